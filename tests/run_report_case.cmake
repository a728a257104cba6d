cmake_minimum_required(VERSION 3.20)
# offload report and compare --baseline on real exports: a.json (sqrt and
# sumsqrt, both algorithms, 1 thread) and b.json (sqrt, sumsqrt and scores,
# naive only, 2 threads). sqrt and sumsqrt naive match; sumsqrt fast (only
# in a) and scores (only in b) must be listed under "not in every file".
# Also: provenance in --version and in the export.
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
# Wide enough for the side-by-side table; the stacked one is checked last.
set(ENV{COLUMNS} 250)

function(offload expect_rc out_var)
  execute_process(COMMAND "${EXE}" ${ARGN} WORKING_DIRECTORY "${WORKDIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
  if(NOT "${rc}" STREQUAL "${expect_rc}")
    message(FATAL_ERROR "offload ${ARGN}: exit ${rc}, expected ${expect_rc}\n${out}\n${err}")
  endif()
  set(${out_var} "${out}${err}" PARENT_SCOPE)
endfunction()

function(expect text regex what)
  if(NOT "${text}" MATCHES "${regex}")
    message(FATAL_ERROR "${what}: no match for '${regex}' in:\n${text}")
  endif()
endfunction()

set(common --backends serial,openmp --size 2k --repeat 2 --format json)
offload(0 out compare sqrt sumsqrt ${common} --threads 1 --output a.json)
offload(0 out compare sqrt sumsqrt scores ${common} --threads 2 --algorithm naive --percent 5
        --output b.json)

# --- provenance -----------------------------------------------------------
offload(0 version --version)
expect("${version}" "offload [0-9.]+ \\(commit [0-9a-f]+|unknown\\)" "--version commit")
expect("${version}" "build +(native|portable) [a-z0-9_+-]+ " "--version build flags")
expect("${version}" "compiler +(gcc|clang) [0-9]" "--version compiler")
file(READ "${WORKDIR}/a.json" a_json)
string(JSON schema GET "${a_json}" schema_version)
string(JSON compiler GET "${a_json}" build compiler)
string(JSON flags GET "${a_json}" build flags)
string(JSON commit GET "${a_json}" build git_commit)
string(JSON measured GET "${a_json}" results 0 ceilings measured)
string(JSON cores GET "${a_json}" host cores)
expect("${schema}" "^2$" "export schema")
expect("${compiler}" "^(gcc|clang) [0-9]" "export compiler")
expect("${flags}" "^(native|portable) " "export build flags")
expect("${commit}" "^([0-9a-f]+(-dirty)?|unknown)$" "export git commit")
expect("${measured}" "^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T" "export calibration date")
expect("${cores}" "^[1-9]" "export host cores")

# --- report as a table ------------------------------------------------------
offload(0 table report a.json b.json)
expect("${table}" "#1 a.json: compare.*#2 b.json: compare" "report: both runs listed")
expect("${table}" "build +(native|portable) .*commit" "report: build provenance")
expect("${table}" "sqrt \\(naive\\), N = 2000\n[^\n]*#1 a.json[^\n]*#2 b.json" "report: groups")
expect("${table}" "\n  serial +- +\\|[^\n]*[0-9.]+x  [a-z]+-bound" "report: matched serial row")
expect("${table}" "\n  openmp +- +\\|[^\n]*[0-9.]+x  [a-z]+-bound" "report: matched openmp row")
expect("${table}" "sumsqrt \\(naive\\), N = 2000" "report: sumsqrt naive matched")
expect("${table}" "not in every file.*#1  sumsqrt \\(fast\\).*#2  scores \\(naive\\)"
       "report: leftovers")
string(FIND "${table}" "not in every file" cut)
string(SUBSTRING "${table}" 0 ${cut} matched_part)
if(matched_part MATCHES "scores|sumsqrt \\(fast\\)")
  message(FATAL_ERROR "report compared rows that are not in every file:\n${table}")
endif()

# --- markdown ---------------------------------------------------------------
offload(0 md report a.json b.json --format markdown)
expect("${md}" "### sqrt \\(naive\\), N = 2000" "markdown: group heading")
expect("${md}" "\\| backend \\| memory \\| #1 copy-in \\|.*\\| #2 vs #1 \\| #2 verdict \\|"
       "markdown: header")
expect("${md}" "\n\\| serial \\| - \\|[^\n]*\\| [0-9.]+x \\| [a-z]+-bound \\|\n" "markdown: row")
expect("${md}" "\n- #2 \\*\\*openmp\\*\\*: [^\n]+" "markdown: verdict sentence")
expect("${md}" "### Not in every file.*\\| 2 \\| scores \\(naive\\)" "markdown: leftovers")

# --- csv: 4 matched rows x 2 files, 4 leftovers -------------------------------
offload(0 csv report a.json b.json --format csv)
# Text fields hold ';' (a comma in a device name), which is CMake's list separator.
string(REPLACE ";" "_" csv_plain "${csv}")
string(REPLACE "\n" ";" lines "${csv_plain}")
list(GET lines 0 header)
expect("${header}" "^kernel,algorithm,size,rows,cols,backend,memory,device,in_every_file,file_index,"
       "csv header")
set(matched 0)
set(apart 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^(sqrt|sumsqrt|scores),")
    string(REPLACE "," ";" f "${line}")
    list(GET f 8 in_every)
    list(GET f 9 index)
    list(GET f 17 vs_first)
    if(in_every EQUAL 1)
      math(EXPR matched "${matched} + 1")
      if(index EQUAL 1 AND NOT vs_first EQUAL 1)
        message(FATAL_ERROR "csv: file 1 ratio against itself is ${vs_first}: ${line}")
      endif()
      if(NOT vs_first MATCHES "^[0-9.e+-]+$")
        message(FATAL_ERROR "csv: no ratio in ${line}")
      endif()
    else()
      math(EXPR apart "${apart} + 1")
      if(NOT vs_first STREQUAL "")
        message(FATAL_ERROR "csv: a row not in every file has a ratio: ${line}")
      endif()
    endif()
  endif()
endforeach()
if(NOT matched EQUAL 8 OR NOT apart EQUAL 4)
  message(FATAL_ERROR "csv: ${matched} matched lines (want 8), ${apart} apart (want 4):\n${csv}")
endif()

# --- json -------------------------------------------------------------------
offload(0 js report a.json b.json --format json --output r.json)
file(READ "${WORKDIR}/r.json" js)
string(JSON ngroups LENGTH "${js}" groups)
string(JSON napart LENGTH "${js}" not_in_every_file)
string(JSON g0 GET "${js}" groups 0 kernel)
string(JSON ratio GET "${js}" groups 0 rows 1 1 vs_first)
string(JSON b1 GET "${js}" files 1 build compiler)
if(NOT ngroups EQUAL 2 OR NOT napart EQUAL 4 OR NOT g0 STREQUAL "sqrt" OR NOT ratio GREATER 0
   OR b1 STREQUAL "")
  message(FATAL_ERROR "json: ${ngroups} groups, ${napart} apart, ${g0}, ratio ${ratio}:\n${js}")
endif()
if(PYTHON)
  execute_process(COMMAND "${PYTHON}" -m json.tool "${WORKDIR}/r.json"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "python's json module rejects the report: ${err}")
  endif()
endif()

# --- a schema 1 export still reads --------------------------------------------
offload(0 old report "${FIXTURES}/compare_v1.json" a.json)
expect("${old}" "build +not recorded \\(schema 1 export\\)" "schema 1 export")

# --- bad input: the file named, the fix given, exit 2 ----------------------------
offload(2 e report a.json missing.json)
expect("${e}" "offload: missing.json: cannot read it.*--format json --output" "missing file")
file(WRITE "${WORKDIR}/notes.json" "these are my notes\n")
offload(2 e report notes.json)
expect("${e}" "offload: notes.json: not JSON" "not JSON")
offload(0 out compare sqrt --backends serial --size 1k --repeat 1 --output run.csv)
offload(2 e report run.csv)
expect("${e}" "offload: run.csv: this is a CSV export.*--format json" "CSV export")
string(REGEX REPLACE "\"schema_version\":[ \t]*2" "\"schema_version\": 99" future "${a_json}")
file(WRITE "${WORKDIR}/future.json" "${future}")
offload(2 e report future.json)
expect("${e}" "offload: future.json: schema version 99; this offload reads 1 to 2" "schema")

# --- compare --baseline -----------------------------------------------------------
offload(0 base compare sqrt --backends serial,openmp --threads 2 --size 2k --repeat 2
        --baseline a.json)
expect("${base}" "against the saved run a.json" "baseline: heading")
expect("${base}" "\n  serial +- +\\|[^\n]*  [a-z]+-bound +\\|[^\n]*[0-9.]+x  [a-z]+-bound"
       "baseline: ratio and both verdicts")
# Only what was run: the saved sumsqrt rows are not listed at all.
if(base MATCHES "sumsqrt")
  message(FATAL_ERROR "baseline: shows rows of kernels not run now:\n${base}")
endif()
offload(2 e compare sqrt --baseline missing.json)
expect("${e}" "offload: missing.json: cannot read it" "baseline: missing file")
if(e MATCHES "backends:")
  message(FATAL_ERROR "compare ran before checking its baseline:\n${e}")
endif()
# --- a PoCL laptop against a GPU workstation ----------------------------------
# laptop_pocl.json: an export from before device_role, PoCL on the laptop's
# CPU; workstation_gpu.json: an RTX 4090 and a slower T400 as OpenCL devices.
# The OpenCL rows line up (the laptop's only device with the workstation's
# best GPU), each device named with its role, and the answer comes last.
offload(0 lw report "${FIXTURES}/laptop_pocl.json" "${FIXTURES}/workstation_gpu.json")
expect("${lw}" "\n  opencl +copy +\\|[^\n]*\\|[^\n]* 2[.]90x  transfer-bound"
       "laptop/workstation: opencl copy compared")
expect("${lw}" "\n  opencl +zero-copy +\\|[^\n]*\\|[^\n]* 1[.]97x  memory-bound"
       "laptop/workstation: zero-copy compared")
expect("${lw}" "#1 opencl copy +on 0[.]0 cpu-znver4-AMD Ryzen 7 7840U w/ Radeon 780M Graphics \\(CPU\\)"
       "laptop/workstation: laptop device named, role inferred (CPU despite its name)")
expect("${lw}" "#2 opencl copy +on 0[.]0 NVIDIA GeForce RTX 4090 \\(GPU\\)"
       "laptop/workstation: GPU named")
expect("${lw}" "not in every file[^\n]*\n  #2  sqrt \\(naive\\)[^\n]*opencl:1[.]0 +copy"
       "laptop/workstation: the slower GPU apart")
expect("${lw}" "what each run gains over #1[^\n]*\n  sqrt \\(naive\\), N = 1000000: #2 is 1[.]50x #1: openmp on AMD Ryzen 9 7950X"
       "laptop/workstation: the gain")
expect("${lw}" "transfer-bound on #2: opencl copy on 0[.]0 NVIDIA GeForce RTX 4090 \\(GPU\\): copies 493 us of 507 us"
       "laptop/workstation: where it is transfer-bound")
# Narrower than the side-by-side table: each run on its own line, nothing
# wider than COLUMNS.
set(ENV{COLUMNS} 100)
offload(0 narrow report "${FIXTURES}/laptop_pocl.json" "${FIXTURES}/workstation_gpu.json")
expect("${narrow}" "\n  opencl copy +#1 +[^\n]+transfer-bound\n +#2 +[0-9.]+ us +507 us +2[.]90x  transfer-bound"
       "laptop/workstation at 100 columns: runs stacked")
string(REPLACE "\n" ";" narrow_lines "${narrow}")
foreach(line IN LISTS narrow_lines)
  string(LENGTH "${line}" len)
  if(len GREATER 100)
    message(FATAL_ERROR "report at COLUMNS=100: a line of ${len} characters:\n${line}")
  endif()
endforeach()
set(ENV{COLUMNS} 250)
string(FIND "${lw}" "not in every file" cut)
string(SUBSTRING "${lw}" ${cut} -1 apart_part)
if(apart_part MATCHES "\n  #1 ")
  message(FATAL_ERROR "laptop/workstation: a laptop row was left unmatched:\n${lw}")
endif()
message(STATUS "report and compare --baseline: tables, markdown, csv, json and errors checked")
