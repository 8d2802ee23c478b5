import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { ioError } from '@simclr/core/node';

/**
 * The per-step metrics log: one JSON object per line. A resumed run first drops the lines of steps it
 * is about to redo (those after its checkpoint), so the file always describes one consistent run.
 */
export class MetricsLog {
  private trimmed = false;

  constructor(readonly path: string) {}

  async append(record: { step: number } & Record<string, unknown>): Promise<void> {
    try {
      if (!this.trimmed) {
        this.trimmed = true;
        await this.keepBefore(record.step);
      }
      await appendFile(this.path, `${JSON.stringify(record)}\n`);
    } catch (err) {
      throw ioError(err, 'write the metrics log', this.path);
    }
  }

  /** Every record in the file. */
  async read(): Promise<Record<string, unknown>[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          // A line cut short by a crash mid-write.
          return [];
        }
      });
  }

  private async keepBefore(step: number): Promise<void> {
    const kept = (await this.read()).filter(
      (r) => typeof r['step'] === 'number' && (r['step'] as number) < step,
    );
    await writeFile(this.path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
}
