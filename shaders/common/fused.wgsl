// What the kernels that the graph compiler generates may call (src/backend/webgpu/graph/codegen.ts):
// the elementwise functions op_<kernel id> that fused trees are written with, and the index
// helpers. A generated reduction also carries the text of shaders/reduce/reduce_rows.wgsl
// without its includes, so everything that file includes is included here too
// (test/engine/shader_modules.test.ts checks).
//!include common/indexing.wgsl
//!include common/unary_ops.wgsl
//!include common/binary_ops.wgsl
