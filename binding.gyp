{
  # One addon; each instruction set is its own static library so that only its file is
  # compiled with that set's -m flags (never -march=native). Every file builds with
  # -ffp-contract=off: Gaussian output must match the WebAssembly and JavaScript backends bit for bit.
  # C++ exceptions stay on everywhere: std::thread reports a failure to start a helper
  # (native/parallel.cc) by throwing.
  "variables": {
    "dropmask_cflags": ["-O3", "-fPIC", "-ffp-contract=off", "-fno-math-errno", "-fno-strict-aliasing", "-fvisibility=hidden"]
  },
  "targets": [
    {
      "target_name": "dropmask",
      "sources": ["native/addon.cc", "native/bindings/stream.cc", "native/bindings/matmul.cc", "native/bindings/conv.cc",
                  "native/bindings/broadcast.cc", "native/bindings/table.cc", "native/dispatch.cc",
                  "native/parallel.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["<@(dropmask_cflags)", "-std=c++17"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off"]
      },
      "msvs_settings": {"VCCLCompilerTool": {"ExceptionHandling": 1, "AdditionalOptions": ["/fp:precise"]}},
      "conditions": [
        ["target_arch=='x64'", {"dependencies": ["dropmask_avx512", "dropmask_avx2", "dropmask_sse2"]}],
        ["target_arch=='arm64'", {"dependencies": ["dropmask_neon"]}],
        ["target_arch!='x64' and target_arch!='arm64'", {"dependencies": ["dropmask_scalar"]}]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "dropmask_avx512", "type": "static_library", "sources": ["native/isa_avx512.cc"],
          "cflags!": ["-O2", "-fno-exceptions"], "cflags_cc!": ["-std=gnu++17", "-fno-exceptions"],
          "cflags_cc": ["<@(dropmask_cflags)", "-std=c++17", "-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq",
                        "-mprefer-vector-width=512", "-Wno-maybe-uninitialized"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off", "-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq"]}
        },
        {
          "target_name": "dropmask_avx2", "type": "static_library", "sources": ["native/isa_avx2.cc"],
          "cflags!": ["-O2", "-fno-exceptions"], "cflags_cc!": ["-std=gnu++17", "-fno-exceptions"],
          "cflags_cc": ["<@(dropmask_cflags)", "-std=c++17", "-mavx2", "-mfma"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off", "-mavx2", "-mfma"]}
        },
        {
          "target_name": "dropmask_sse2", "type": "static_library", "sources": ["native/isa_sse2.cc"],
          "cflags!": ["-O2", "-fno-exceptions"], "cflags_cc!": ["-std=gnu++17", "-fno-exceptions"],
          "cflags_cc": ["<@(dropmask_cflags)", "-std=c++17"]
        }
      ]
    }],
    ["target_arch=='arm64'", {
      "targets": [{
        "target_name": "dropmask_neon", "type": "static_library", "sources": ["native/isa_neon.cc"],
        "cflags!": ["-fno-exceptions"], "cflags_cc!": ["-fno-exceptions"],
        "cflags_cc": ["<@(dropmask_cflags)", "-std=c++17"],
        "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off"]}
      }]
    }],
    ["target_arch!='x64' and target_arch!='arm64'", {
      "targets": [{
        "target_name": "dropmask_scalar", "type": "static_library", "sources": ["native/isa_scalar.cc"],
        "cflags!": ["-fno-exceptions"], "cflags_cc!": ["-fno-exceptions"],
        "cflags_cc": ["<@(dropmask_cflags)", "-std=c++17"]
      }]
    }]
  ]
}
