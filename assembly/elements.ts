// f32 element i of an array given by its byte address: kernels that index by element (not by
// vector) read and write through these, so the byte arithmetic is written once.
@inline export function ldf(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

@inline export function stf(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}
