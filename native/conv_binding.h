// N-API bindings of the feature-map kernels (conv.inc). Each checks every argument against the
// others, so no length, stride or index can reach memory outside the caller's arrays.
#pragma once
#include <napi.h>

#include "kernels.h"

namespace dropmask {

// maxPool(out, x, keep | null, n, c, h, w, kh, kw, sh, sw, channelsLast, scale, argmax | null)
Napi::Value MaxPool(const Kernels* k, const Napi::CallbackInfo& info);
// weightedPool(out, x, n, c, h, w, kh, kw, sh, sw, channelsLast, weights)
Napi::Value WeightedPool(const Kernels* k, const Napi::CallbackInfo& info);
// dropBlockMask(mask, seeds, n, c, h, w, size, channelsLast) -> ones written
Napi::Value DropBlockMask(const Kernels* k, const Napi::CallbackInfo& info);
// argmaxPlanes(out, x, select | null, outer, inner, outerStride, innerStride, count, elemStride)
Napi::Value ArgmaxPlanes(const Kernels* k, const Napi::CallbackInfo& info);
// maskApply(out, x, mask | null, repeat, inner, scale, fill)
Napi::Value MaskApply(const Kernels* k, const Napi::CallbackInfo& info);
// addScaledRows(out, x, branch, factors, rowLength)
Napi::Value AddScaledRows(const Kernels* k, const Napi::CallbackInfo& info);

}  // namespace dropmask
