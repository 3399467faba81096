// conv ops: issue 3.
export {};
