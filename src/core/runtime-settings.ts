import { AppError, invalidInput } from './errors.js';
import type { AppConfig } from './config.js';

/** The settings an admin can change while the server runs (`/api/settings`), and their config fields. */
export interface RuntimeSettingValues {
  /** The tuner's name in Plex (`friendlyName`). */
  tunerName: string;
  /** The TunerCount handed to clients instead of the accounts' sum; null = the sum. */
  tunerCountOverride: number | null;
  tunerWaitMs: number;
  epgDays: number;
  logLevel: string;
}

export type RuntimeSettingName = keyof RuntimeSettingValues;
export type RuntimeSettingSource = 'flag' | 'saved' | 'default';
export type RuntimeSettingsView = {
  [K in RuntimeSettingName]: { value: RuntimeSettingValues[K]; source: RuntimeSettingSource };
};

/** Where saved values are kept (the `settings` table, through the db's repository). */
export interface RuntimeSettingsStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export const logLevels: readonly string[] = Object.freeze([
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
]);

const configField = {
  tunerName: 'friendlyName',
  tunerCountOverride: 'tunerCountOverride',
  tunerWaitMs: 'tunerWaitMs',
  epgDays: 'epgDays',
  logLevel: 'logLevel',
} as const satisfies Record<RuntimeSettingName, keyof AppConfig>;

export const runtimeSettingNames = Object.keys(configField) as RuntimeSettingName[];

const storeKey = (name: RuntimeSettingName) => `runtime.${name}`;

/** The value when valid, else an INVALID_INPUT error naming the field. */
function check<K extends RuntimeSettingName>(name: K, value: unknown): RuntimeSettingValues[K] {
  const integerIn = (min: number, max: number) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      throw invalidInput(`${name} must be a whole number from ${min} to ${max}`);
    return value;
  };
  switch (name) {
    case 'tunerName': {
      const text = typeof value === 'string' ? value.trim() : '';
      if (text === '' || text.length > 64) throw invalidInput('tunerName must be 1 to 64 characters');
      return text as RuntimeSettingValues[K];
    }
    case 'tunerCountOverride':
      return (value === null ? null : integerIn(1, 32)) as RuntimeSettingValues[K];
    case 'tunerWaitMs':
      return integerIn(0, 60_000) as RuntimeSettingValues[K];
    case 'epgDays':
      return integerIn(1, 14) as RuntimeSettingValues[K];
    case 'logLevel':
      if (typeof value !== 'string' || !logLevels.includes(value))
        throw invalidInput(`logLevel must be one of ${logLevels.join(', ')}`);
      return value as RuntimeSettingValues[K];
  }
  throw invalidInput(`unknown setting ${String(name)}`);
}

export interface RuntimeSettingsDeps {
  /** The shared config object: a change is written into it, so every reader sees it on its next request. */
  config: AppConfig;
  store: RuntimeSettingsStore;
  /** Told after values changed (the app updates what copied them: the logger's level, the EPG's days). */
  onChange?: (changed: Partial<RuntimeSettingValues>) => void;
}

/**
 * The runtime settings: defaults, overridden by saved values (applied at start-up and on each
 * change), overridden by command-line flags (`config.givenOnCommandLine`), which cannot be
 * changed here (409). Values live in the shared config object.
 */
export class RuntimeSettings {
  private readonly saved = new Set<RuntimeSettingName>();

  constructor(private readonly deps: RuntimeSettingsDeps) {}

  /** Start-up: writes the saved values into the config (those a flag does not set). Returns what applied. */
  applySaved(): Partial<RuntimeSettingValues> {
    const applied: Partial<Record<RuntimeSettingName, unknown>> = {};
    for (const name of runtimeSettingNames) {
      const stored = this.deps.store.get(storeKey(name));
      if (stored === undefined) continue;
      let value;
      try {
        value = check(name, stored);
      } catch {
        continue; // a value no longer valid (a range narrowed) falls back to the default
      }
      this.saved.add(name);
      if (this.isFlag(name)) continue;
      this.write(name, value);
      applied[name] = value;
    }
    return applied as Partial<RuntimeSettingValues>;
  }

  describe(): RuntimeSettingsView {
    const entries = runtimeSettingNames.map((name) => [
      name,
      { value: this.read(name), source: this.isFlag(name) ? 'flag' : this.saved.has(name) ? 'saved' : 'default' },
    ]);
    return Object.fromEntries(entries) as RuntimeSettingsView;
  }

  /** Validates every field first (400 naming it; 409 for one a flag sets), then saves and applies them all. */
  update(patch: Partial<Record<RuntimeSettingName, unknown>>): RuntimeSettingsView {
    const changes: [RuntimeSettingName, unknown][] = [];
    for (const [key, raw] of Object.entries(patch)) {
      if (raw === undefined) continue;
      if (!(key in configField)) throw invalidInput(`unknown setting ${key}`);
      const name = key as RuntimeSettingName;
      if (this.isFlag(name)) {
        throw new AppError(
          'CONFLICT',
          `${name} is set on the command line (${flagOf(name)}): remove the flag to change it here`,
        );
      }
      changes.push([name, check(name, raw)]);
    }
    for (const [name, value] of changes) {
      this.deps.store.set(storeKey(name), value);
      this.saved.add(name);
      this.write(name, value);
    }
    if (changes.length > 0) this.deps.onChange?.(Object.fromEntries(changes));
    return this.describe();
  }

  private isFlag(name: RuntimeSettingName): boolean {
    return this.deps.config.givenOnCommandLine.includes(configField[name]);
  }

  private read(name: RuntimeSettingName): unknown {
    const value = this.deps.config[configField[name]];
    return name === 'tunerCountOverride' ? (value ?? null) : value;
  }

  private write(name: RuntimeSettingName, value: unknown): void {
    const config = this.deps.config as unknown as Record<string, unknown>;
    config[configField[name]] = name === 'tunerCountOverride' && value === null ? undefined : value;
  }
}

function flagOf(name: RuntimeSettingName): string {
  return {
    tunerName: '--friendly-name',
    tunerCountOverride: '--tuner-count',
    tunerWaitMs: '--tuner-wait-ms',
    epgDays: '--epg-days',
    logLevel: '--log-level',
  }[name];
}
