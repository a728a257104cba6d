cmake_minimum_required(VERSION 3.20)
# Runs one command-line case: `offload ARGS` in a fresh WORKDIR must exit
# with EXPECT_RC and print (stdout or stderr) something matching EXPECT_REGEX.
# In ARGS, @DATA@, @FIXTURES@ and @WORK@ name the bundled data, the test
# fixtures and the working directory; words are separated by spaces.
#
# Optional:
#   REJECT_REGEX    the output must NOT match this regex
#   ABSENT_PATH     a path (@WORK@ replaced) that must not exist after the run
#   WRAPPER         ;-list prefix command, e.g. valgrind and its options
#   WRAPPER_FAIL_RC exit code by which WRAPPER reports its own errors (for
#                   valgrind --error-exitcode=99: 99); fails the case even
#                   when EXPECT_RC is nonzero
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
string(REPLACE "@DATA@" "${DATA}" ARGS "${ARGS}")
string(REPLACE "@FIXTURES@" "${FIXTURES}" ARGS "${ARGS}")
string(REPLACE "@WORK@" "${WORKDIR}" ARGS "${ARGS}")
separate_arguments(argv UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${WRAPPER} "${EXE}" ${argv}
  WORKING_DIRECTORY "${WORKDIR}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
  TIMEOUT 300)
set(all "${out}${err}")
set(shown "${WRAPPER}")
list(JOIN shown " " shown)
if(shown)
  set(shown "${shown} ")
endif()
if(DEFINED WRAPPER_FAIL_RC AND NOT "${WRAPPER_FAIL_RC}" STREQUAL ""
   AND "${rc}" STREQUAL "${WRAPPER_FAIL_RC}")
  list(GET WRAPPER 0 tool)
  message(FATAL_ERROR "${shown}offload ${ARGS}\n${tool} reported errors (exit ${rc})\n--- stdout\n${out}\n--- stderr\n${err}")
endif()
# A sanitizer report fails the case whatever the exit code.
if("${all}" MATCHES "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|: runtime error: ")
  message(FATAL_ERROR "${shown}offload ${ARGS}\nsanitizer report\n--- stdout\n${out}\n--- stderr\n${err}")
endif()
if(NOT "${rc}" STREQUAL "${EXPECT_RC}")
  message(FATAL_ERROR "${shown}offload ${ARGS}\nexpected exit ${EXPECT_RC}, got '${rc}'\n--- stdout\n${out}\n--- stderr\n${err}")
endif()
if(NOT "${all}" MATCHES "${EXPECT_REGEX}")
  message(FATAL_ERROR "${shown}offload ${ARGS}\noutput does not match '${EXPECT_REGEX}'\n--- stdout\n${out}\n--- stderr\n${err}")
endif()
if(DEFINED REJECT_REGEX AND NOT "${REJECT_REGEX}" STREQUAL "" AND "${all}" MATCHES "${REJECT_REGEX}")
  message(FATAL_ERROR "${shown}offload ${ARGS}\noutput matches '${REJECT_REGEX}', which it must not\n--- stdout\n${out}\n--- stderr\n${err}")
endif()
if(DEFINED ABSENT_PATH AND NOT "${ABSENT_PATH}" STREQUAL "")
  string(REPLACE "@WORK@" "${WORKDIR}" ABSENT_PATH "${ABSENT_PATH}")
  if(EXISTS "${ABSENT_PATH}")
    message(FATAL_ERROR "offload ${ARGS}\nwrote ${ABSENT_PATH}, which it must not")
  endif()
endif()
# Optionally, a file the command wrote (under @WORK@) must match a regex.
if(DEFINED CHECK_FILE)
  string(REPLACE "@WORK@" "${WORKDIR}" CHECK_FILE "${CHECK_FILE}")
  if(NOT EXISTS "${CHECK_FILE}")
    message(FATAL_ERROR "offload ${ARGS}\ndid not write ${CHECK_FILE}")
  endif()
  file(READ "${CHECK_FILE}" written)
  if(NOT "${written}" MATCHES "${CHECK_FILE_REGEX}")
    message(FATAL_ERROR "offload ${ARGS}\n${CHECK_FILE} does not match '${CHECK_FILE_REGEX}':\n${written}")
  endif()
endif()
message(STATUS "exit ${rc}, output matches '${EXPECT_REGEX}'")
