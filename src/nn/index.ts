// Public API of src/nn: filled in by its issue.
export {};
