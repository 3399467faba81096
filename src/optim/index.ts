// Public API of src/optim: filled in by its issue.
export {};
