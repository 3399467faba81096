// Public API of src/io: filled in by its issue.
export {};
