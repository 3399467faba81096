// One variable of a parameter arena, as src/optim/arena.ts writes the variable table (`vars`).

struct VarInfo {
  // Elements [start, end) of the arena belong to this variable.
  start: u32,
  end: u32,
  // Nonzero: clamp the updated value to [lo, hi] (constraints nonNeg and clipTo).
  box_constraint: u32,
  _pad0: u32,
  lo: f32,
  hi: f32,
  _pad1: f32,
  _pad2: f32,
}
