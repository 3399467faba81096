// A dense lane index for kernels that share values through subgroup operations: subgroups are
// numbered in the order they reach this code (one atomic per subgroup), and lane = subgroup
// number · subgroup size + subgroup_invocation_id. Lanes of one subgroup are then consecutive
// whatever way the device groups a workgroup's invocations into subgroups; the kernel only needs
// its workgroup size to be a multiple of the subgroup size, with every subgroup full (the
// dispatch side offers subgroup kernels only where the adapter's largest subgroup divides it).
// The kernel that includes this piece starts with `enable subgroups;` (src/backend/webgpu/device/
// pipelines.ts moves that directive to the top of the assembled module).

var<workgroup> subgroups_numbered: atomic<u32>;

// This invocation's dense lane index; every invocation of the workgroup calls it, once.
fn dense_lane(sid: u32, size: u32) -> u32 {
  var first = 0u;
  if (subgroupElect()) { first = atomicAdd(&subgroups_numbered, 1u); }
  return subgroupBroadcastFirst(first) * size + sid;
}
