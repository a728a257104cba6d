cmake_minimum_required(VERSION 3.20)
# scores --out FILE writes a temporary file and renames it (through a
# symlink: the target, keeping the link): a run that fails
# leaves a previous FILE byte-identical, and no run leaves FILE.tmp.* behind.
# Args: EXE, WORKDIR, FIXTURES, BROKEN_KERNELS (optional: kernels that fail
# to build, for a run that fails after the input was read).
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}/a-directory")
set(out_file "${WORKDIR}/scores.csv")
file(WRITE "${out_file}" "id,score\nprevious,42\n")
file(SHA256 "${out_file}" previous)

function(check_no_temp what)
  file(GLOB_RECURSE left "${WORKDIR}/*.tmp.*")
  if(left)
    message(FATAL_ERROR "${what}: temporary files left behind: ${left}")
  endif()
endfunction()

# run(WHAT RC REGEX args...): offload args must exit RC printing REGEX.
function(run what expect_rc regex)
  execute_process(COMMAND "${EXE}" ${ARGN} WORKING_DIRECTORY "${WORKDIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  if(NOT "${rc}" STREQUAL "${expect_rc}" OR NOT "${out}${err}" MATCHES "${regex}")
    message(FATAL_ERROR "${what}: offload ${ARGN}\nexpected exit ${expect_rc} and '${regex}', "
                        "got exit '${rc}'\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  check_no_temp("${what}")
  message(STATUS "${what}: exit ${rc} as expected")
endfunction()

function(check_unchanged what)
  file(SHA256 "${out_file}" now)
  if(NOT now STREQUAL previous)
    file(READ "${out_file}" text)
    message(FATAL_ERROR "${what}: ${out_file} changed:\n${text}")
  endif()
endfunction()

# Bad input file: nothing is written.
run("bad input" 2 "contains a NUL byte"
    scores "${FIXTURES}/hostile/nul.csv" --backend serial --out "${out_file}")
check_unchanged("bad input")

# Input with no usable rows.
run("no usable rows" 2 "no usable rows"
    scores "${FIXTURES}/all_bad.csv" --backend serial --out "${out_file}")
check_unchanged("no usable rows")

# --out in a folder that does not exist: refused, nothing created.
run("missing folder" 2 "cannot write .*check that the folder exists"
    scores "${FIXTURES}/tabs.tsv" --backend serial --out "${WORKDIR}/no/such/dir/scores.csv")
if(EXISTS "${WORKDIR}/no")
  message(FATAL_ERROR "missing folder: ${WORKDIR}/no was created")
endif()

# --out naming a directory: refused before the run (exit 2), the folder kept.
run("out is a directory" 2 "cannot write .*a-directory: it is a directory; name a file"
    scores "${FIXTURES}/tabs.tsv" --backend serial --out "${WORKDIR}/a-directory")
if(NOT IS_DIRECTORY "${WORKDIR}/a-directory")
  message(FATAL_ERROR "out is a directory: ${WORKDIR}/a-directory was replaced")
endif()

# A run that fails after reading the input (the OpenCL kernels do not build).
if(BROKEN_KERNELS)
  run("kernel build fails" 1 "build log"
      scores "${FIXTURES}/tabs.tsv" --backend opencl --kernel-dir "${BROKEN_KERNELS}"
      --out "${out_file}")
  check_unchanged("kernel build fails")
endif()

# A good run replaces the file.
run("good run" 0 "wrote 2 scores to"
    scores "${FIXTURES}/tabs.tsv" --backend serial --out "${out_file}")
file(READ "${out_file}" text)
if(NOT text MATCHES "^id,score\nm1,")
  message(FATAL_ERROR "good run: unexpected ${out_file}:\n${text}")
endif()

# --out through a symlink: the target is replaced, the link stays a link.
set(target "${WORKDIR}/target.csv")
set(link "${WORKDIR}/link.csv")
file(WRITE "${target}" "id,score\nprevious,42\n")
file(CREATE_LINK "target.csv" "${link}" SYMBOLIC)
run("through a symlink" 0 "wrote 2 scores to .*link.csv"
    scores "${FIXTURES}/tabs.tsv" --backend serial --out "${link}")
if(NOT IS_SYMLINK "${link}")
  message(FATAL_ERROR "through a symlink: ${link} is no longer a symlink")
endif()
file(READ "${target}" text)
if(NOT text MATCHES "^id,score\nm1,3\nm2,0\n$")
  message(FATAL_ERROR "through a symlink: ${target} was not replaced:\n${text}")
endif()
