# Finds exactly one libtorch, a supported release, for the addon (native/CMakeLists.txt) and the
# C++ benchmark (bench/cpp/CMakeLists.txt): include() it with Torch_DIR set.
# The supported libtorch releases (scripts/libtorch.cjs reads these two lines for discovery).
set(TORCHNODE_TORCH_MIN 2.11)
set(TORCHNODE_TORCH_MAX 2.14)
# The first release whose headers need C++20 (2.14's use `requires` clauses and std::strong_ordering);
# older ones build as C++17. scripts/libtorch.cjs reads this line too, for binding.gyp.
set(TORCHNODE_CXX20_FROM 2.14)

# Refuse an unsupported release before running its config (a 1.x config fails in other ways).
function(torchnode_check_version version where)
  if(version VERSION_LESS TORCHNODE_TORCH_MIN OR version VERSION_GREATER_EQUAL "${TORCHNODE_TORCH_MAX}.99999")
    if(NOT DEFINED ENV{TORCHNODE_ALLOW_ANY_LIBTORCH})
      message(FATAL_ERROR
        "torchnode: libtorch ${version} (${where}) is outside the supported range "
        "${TORCHNODE_TORCH_MIN}.x to ${TORCHNODE_TORCH_MAX}.x. Install PyTorch ${TORCHNODE_TORCH_MAX} "
        "(pip install torch==${TORCHNODE_TORCH_MAX}.0) or set LIBTORCH to a supported libtorch; "
        "TORCHNODE_ALLOW_ANY_LIBTORCH=1 skips this check at your own risk.")
    endif()
  endif()
endfunction()
if(Torch_DIR AND EXISTS "${Torch_DIR}/TorchConfigVersion.cmake")
  file(STRINGS "${Torch_DIR}/TorchConfigVersion.cmake" TORCHNODE_VERSION_LINE REGEX "PACKAGE_VERSION \"")
  string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" TORCHNODE_FOUND_VERSION "${TORCHNODE_VERSION_LINE}")
  torchnode_check_version("${TORCHNODE_FOUND_VERSION}" "${Torch_DIR}")
endif()

# One libtorch only. With a Python/archive libtorch in Torch_DIR and Debian's libtorch-dev also
# installed, TorchConfig's find_package(Caffe2)/find_library would take Debian's config and
# libraries from the system paths first (a 2.x build linked against libc10.so.1.13). So: Caffe2 from
# the same prefix, and no system search paths while libtorch's config runs.
if(Torch_DIR)
  get_filename_component(TORCHNODE_TORCH_PREFIX "${Torch_DIR}/../../.." ABSOLUTE)
  if(EXISTS "${Torch_DIR}/../Caffe2/Caffe2Config.cmake")
    get_filename_component(Caffe2_DIR "${Torch_DIR}/../Caffe2" ABSOLUTE)
  endif()
  # A CUDA libtorch (pip's default torch on Linux): its config looks for the CUDA toolkit (nvcc) and
  # fails without one, although nothing here compiles CUDA code, and most machines with pip's torch
  # have no toolkit (its CUDA runtime comes in pip's nvidia-* packages, found through libtorch's RPATH).
  # An empty torch::cudart target ends Caffe2's cuda.cmake at its include guard (`if(TARGET
  # torch::cudart) return()`: read in 2.13 and 2.14.1, an old line), so no toolkit is searched.
  if(EXISTS "${TORCHNODE_TORCH_PREFIX}/lib/libtorch_cuda.so" AND NOT TARGET torch::cudart)
    add_library(torch::cudart INTERFACE IMPORTED)
  endif()
  set(CMAKE_FIND_USE_CMAKE_SYSTEM_PATH FALSE)
  set(CMAKE_FIND_USE_SYSTEM_ENVIRONMENT_PATH FALSE)
  set(CMAKE_FIND_USE_PACKAGE_REGISTRY FALSE)
  list(PREPEND CMAKE_PREFIX_PATH "${TORCHNODE_TORCH_PREFIX}")
endif()
find_package(Torch QUIET)
unset(CMAKE_FIND_USE_CMAKE_SYSTEM_PATH)
unset(CMAKE_FIND_USE_SYSTEM_ENVIRONMENT_PATH)
unset(CMAKE_FIND_USE_PACKAGE_REGISTRY)
if(NOT Torch_FOUND)
  message(FATAL_ERROR
    "torchnode: libtorch not found. Install one of:\n"
    "  pip install torch==2.13.0 (in a venv; its libtorch is used), or `npm run setup` in a checkout\n"
    "  or unpack a libtorch archive and set LIBTORCH=/path/to/libtorch\n"
    "Torch_DIR was '${Torch_DIR}'.")
endif()
torchnode_check_version("${Torch_VERSION}" "${Torch_DIR}")
if(Torch_VERSION VERSION_GREATER_EQUAL TORCHNODE_CXX20_FROM)
  set(CMAKE_CXX_STANDARD 20)
endif()
foreach(lib IN LISTS TORCH_LIBRARIES)
  if(lib MATCHES "^/" AND TORCHNODE_TORCH_PREFIX AND NOT lib MATCHES "^${TORCHNODE_TORCH_PREFIX}/" AND lib MATCHES "(torch|c10)")
    message(FATAL_ERROR "torchnode: libtorch library ${lib} is not from ${TORCHNODE_TORCH_PREFIX}: two libtorch installs are mixed")
  endif()
endforeach()
