// pool ops: issue 3.
export {};
