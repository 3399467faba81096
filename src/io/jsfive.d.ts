// The parts of jsfive (a pure-JavaScript HDF5 reader, no types of its own) that keras_h5.ts uses.
declare module 'jsfive' {
  /** Attribute values: numbers, strings (fixed-length ones keep their NUL padding) or arrays of them. */
  export type AttributeValue = unknown;

  export class Group {
    readonly name: string;
    readonly keys: string[];
    readonly attrs: Record<string, AttributeValue>;
    /** A child group or dataset by path; throws a string when it does not exist. */
    get(path: string): Group | Dataset;
  }

  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }

  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    /** numpy-style: '<f4', '<f8', '<f2', '<i4'... */
    readonly dtype: string | unknown[];
    readonly attrs: Record<string, AttributeValue>;
    /** Row-major values as a plain array. */
    readonly value: ArrayLike<number>;
  }
}
