{
  "targets": [
    {
      "target_name": "torchnode",
      "sources": ["<!@(node -p \"require('fs').readdirSync('native/src').filter(f => f.endsWith('.cc')).map(f => 'native/src/' + f).join(' ')\")"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/shim", "<!@(node scripts/gyp-flags.cjs --include)"],
      "defines": ["NAPI_EXPERIMENTAL", "NAPI_VERSION=2147483647", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["<!@(node scripts/gyp-flags.cjs --cflags)", "-include", "<(module_root_dir)/build/pch/pch.h", "-Winvalid-pch"],
      "actions": [
        {
          "action_name": "precompile_libtorch_headers",
          "inputs": ["native/src/pch.h", "scripts/gyp-pch.cjs"],
          "outputs": ["<(module_root_dir)/build/pch/pch.h"],
          "action": ["node", "scripts/gyp-pch.cjs", "<(module_root_dir)/build/pch", "<(module_root_dir)/build/torchnode.target.mk"]
        }
      ],
      "libraries": ["<!@(node scripts/gyp-flags.cjs --libs)"]
    }
  ]
}
