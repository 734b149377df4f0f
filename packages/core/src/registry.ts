import { KirchhoffError } from './errors';

/** Anything a registry can hold: a stable id plus optional aliases (e.g. the original code's class names). */
export interface Named {
  readonly name: string;
  readonly aliases?: readonly string[];
}

/**
 * A read-only index of plugins by id and alias. Duplicate ids or aliases are an error at construction,
 * an unknown id is an error that lists the known ones.
 */
export class Registry<T extends Named> {
  private readonly byKey = new Map<string, T>();
  private readonly items: T[];

  constructor(
    readonly kind: string,
    items: readonly T[],
  ) {
    this.items = [...items].sort((a, b) => a.name.localeCompare(b.name));
    for (const item of this.items) {
      for (const key of [item.name, ...(item.aliases ?? [])]) {
        const clash = this.byKey.get(key);
        if (clash) {
          throw new KirchhoffError(
            'duplicate-plugin',
            `${kind} '${key}' is registered twice (by '${clash.name}' and '${item.name}')`,
          );
        }
        this.byKey.set(key, item);
      }
    }
  }

  has(name: string): boolean {
    return this.byKey.has(name);
  }

  byName(name: string): T {
    const item = this.byKey.get(name);
    if (!item) {
      throw new KirchhoffError(
        `unknown-${this.kind.replace(/\s+/g, '-')}`,
        `unknown ${this.kind} '${name}'; known: ${this.items.map((i) => i.name).join(', ') || '(none registered)'}`,
        { name },
      );
    }
    return item;
  }

  list(): readonly T[] {
    return this.items;
  }
}
