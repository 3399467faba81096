// The command line's flag parsing: values, defaults, errors that say what to fix, and the help.
import { describe, expect, it } from 'vitest';
import { commandHelp, parseFlags, parseNumber, UsageError, type CommandSpec } from '../../src/cli/args.js';
import { commands, programHelp } from '../../src/cli/program.js';

const spec = {
  name: 'demo',
  summary: 'A command for the tests.',
  flags: {
    steps: { type: 'number', integer: true, min: 1, default: 25, help: 'steps' },
    lr: { type: 'number', positive: true, help: 'learning rate' },
    offset: { type: 'number', default: 0, help: 'may be negative' },
    backend: { type: 'string', choices: ['webgpu', 'cpu'], default: 'webgpu', help: 'backend' },
    csv: { type: 'string', valueName: 'PATH', help: 'a file' },
    json: { type: 'boolean', help: 'JSON output' },
  },
  examples: ['webgpu-descent demo --steps 3'],
} as const satisfies CommandSpec;

function parse(...argv: string[]) {
  const flags = parseFlags(spec, argv);
  if (!('given' in flags)) throw new Error('unexpected --help');
  return flags;
}

function usageError(...argv: string[]): string {
  try {
    parseFlags(spec, argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('parseFlags', () => {
  it('fills defaults and leaves optional flags undefined', () => {
    const f = parse();
    expect([f.steps, f.lr, f.offset, f.backend, f.csv, f.json]).toEqual([25, undefined, 0, 'webgpu', undefined, false]);
    expect([...f.given]).toEqual([]);
  });

  it('reads --flag value, --flag=value, negative numbers, fractions and booleans', () => {
    const f = parse('--steps', '3', '--lr=1/255', '--offset', '-200', '--backend=cpu', '--csv', 'a b.csv', '--json');
    expect([f.steps, f.lr, f.offset, f.backend, f.csv, f.json]).toEqual([3, 1 / 255, -200, 'cpu', 'a b.csv', true]);
    expect([...f.given].sort()).toEqual(['backend', 'csv', 'json', 'lr', 'offset', 'steps']);
    expect(parse('--lr', '1e-4').lr).toBe(1e-4);
  });

  it('reports --help before anything else, even after a bad flag', () => {
    expect(parseFlags(spec, ['--nope', '--help'])).toEqual({ help: true });
    expect(parseFlags(spec, ['-h'])).toEqual({ help: true });
  });

  it('names the command, the flag and the bad value', () => {
    expect(usageError('--stpes', '3')).toMatch(/^demo: unknown flag --stpes; did you mean --steps\? \(see 'webgpu-descent demo --help'\)$/);
    expect(usageError('--zzzzzzzz')).toMatch(/unknown flag --zzzzzzzz \(see/);
    expect(usageError('--steps')).toMatch(/--steps needs a value \(N\)/);
    expect(usageError('--steps', '--json')).toMatch(/--steps needs a value/);
    expect(usageError('--steps', 'many')).toMatch(/--steps must be an integer, got 'many'/);
    expect(usageError('--steps', '2.5')).toMatch(/--steps must be an integer, got '2.5'/);
    expect(usageError('--steps', '0')).toMatch(/--steps must be an integer >= 1, got '0'/);
    expect(usageError('--lr', '0')).toMatch(/--lr must be above 0, got '0'/);
    expect(usageError('--lr', '1/0')).toMatch(/--lr must be a number, got '1\/0'/);
    expect(usageError('--backend', 'cuda')).toMatch(/--backend must be one of webgpu, cpu; got 'cuda'/);
    expect(usageError('--csv=')).toMatch(/--csv needs a value \(PATH\)/);
    expect(usageError('--json=yes')).toMatch(/--json takes no value/);
    expect(usageError('--steps', '3', '--steps', '4')).toMatch(/--steps is given twice/);
    expect(usageError('linreg')).toMatch(/unexpected argument 'linreg'; flags start with --/);
  });

  it('parses numbers as written, including fractions', () => {
    expect(parseNumber('1/255')).toBe(1 / 255);
    expect(parseNumber(' 0.5 ')).toBe(0.5);
    expect(parseNumber('')).toBeNaN();
    expect(parseNumber('1/2/3')).toBeNaN();
  });
});

describe('help', () => {
  it('lists every flag with its value name and default, and the examples', () => {
    const help = commandHelp(spec);
    expect(help).toMatch(/^usage: webgpu-descent demo \[flags\]/);
    expect(help).toMatch(/--steps N\s+steps \(default 25\)/);
    expect(help).toMatch(/--backend webgpu\|cpu\s+backend \(default webgpu\)/);
    expect(help).toMatch(/--csv PATH\s+a file\n/);
    expect(help).toMatch(/-h, --help\s+show this help/);
    expect(help).toMatch(/examples:\n {2}webgpu-descent demo --steps 3/);
  });

  it('the program help lists every command', () => {
    const help = programHelp();
    for (const name of ['all', 'linreg', 'vector-spread', 'attack']) expect(help).toContain(`  ${name} `);
  });
});

describe('the commands take exactly the flags of the issue', () => {
  const flagsOf = (name: string): string[] => Object.keys(commands.find((c) => c.spec.name === name)!.spec.flags).sort();
  const common = ['backend', 'seed', 'json'];

  it('linreg', () => {
    expect(flagsOf('linreg')).toEqual(
      [...common, 'csv', 'generated', 'optimizer', 'lr', 'steps', 'init-slope', 'init-intercept', 'intercept-grad-scale'].sort(),
    );
  });

  it('vector-spread', () => {
    expect(flagsOf('vector-spread')).toEqual([...common, 'loss', 'n', 'dims', 'steps', 'lr', 'lr-decay', 'decay-every', 'clip-norm'].sort());
  });

  it('attack', () => {
    expect(flagsOf('attack')).toEqual(
      [...common, 'train', 'epochs', 'batch', 'target', 'epsilon', 'iterations', 'images', 'out', 'model', 'weights', 'image', 'to'].sort(),
    );
  });

  it('with the issue defaults', () => {
    const defaults = (name: string) => commands.find((c) => c.spec.name === name)!.spec.flags as Record<string, { default?: unknown }>;
    // The notebook's first run: manual steps from the least-squares slope and intercept -180.
    expect(defaults('linreg')['optimizer']!.default).toBe('manual');
    expect(defaults('linreg')['init-slope']!.default).toBe('exact');
    expect(defaults('linreg')['init-intercept']!.default).toBe('-180');
    expect(defaults('vector-spread')['n']!.default).toBe(20);
    expect(defaults('vector-spread')['dims']!.default).toBe(2);
    expect(defaults('vector-spread')['decay-every']!.default).toBe(100);
    expect(defaults('attack')['epsilon']!.default).toBe(1 / 255);
    expect(defaults('attack')['iterations']!.default).toBe(4);
  });
});
