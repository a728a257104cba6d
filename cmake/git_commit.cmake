# cmake -DSOURCE=DIR -DOUTPUT=FILE [-DGIT=git] -P git_commit.cmake
# Writes the commit the sources are at ("abc1234", "abc1234-dirty" with
# uncommitted changes, "unknown" outside a git checkout) as OFFLOAD_GIT_COMMIT,
# at every build rather than at configure time, so --version and the exports
# name the commit that was built. The file is rewritten only when it changes.
set(commit "unknown")
if(GIT AND EXISTS "${SOURCE}/.git")
  execute_process(COMMAND "${GIT}" rev-parse --short HEAD
    WORKING_DIRECTORY "${SOURCE}" RESULT_VARIABLE rc
    OUTPUT_VARIABLE out OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0 AND out)
    set(commit "${out}")
    execute_process(COMMAND "${GIT}" diff --quiet HEAD --
      WORKING_DIRECTORY "${SOURCE}" RESULT_VARIABLE dirty ERROR_QUIET)
    if(dirty EQUAL 1)
      string(APPEND commit "-dirty")
    endif()
  endif()
endif()
set(text "/* Written at build time by cmake/git_commit.cmake. */\n#define OFFLOAD_GIT_COMMIT \"${commit}\"\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
else()
  set(old "")
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
