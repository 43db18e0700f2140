/** `cachebench formats`: every trace format with how it is recognised, its columns and parameters. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { TRACE_FORMATS } from '../trace/formats/index.js';
import type { CliIo } from './io.js';

export function registerFormats(program: Command, io: CliIo): void {
  program
    .command('formats')
    .description('list the trace formats, what each column is made of, and their parameters')
    .action(() => {
      const width = Math.max(...TRACE_FORMATS.map((format) => format.id.length));
      const indent = ' '.repeat(width + 4);
      const lines: string[] = [];
      for (const format of TRACE_FORMATS) {
        lines.push(`${chalk.bold(format.id.padEnd(width))}  ${format.description}`);
        for (const line of wrap(format.columns, Math.max(40, (io.columns ?? 100) - indent.length - 1)))
          lines.push(indent + chalk.dim(line));
        for (const param of format.params ?? []) {
          lines.push(`${' '.repeat(width)}    ${chalk.cyan(`${param.name}=${param.default}`)}  ${param.description}`);
        }
      }
      lines.push(
        '',
        chalk.dim(
          'Detected from the first bytes, then the name; or named: --trace-format msr:block-size=8192. gzip, zstd and xz are read as they are; - reads standard input.',
        ),
      );
      io.out(lines.join('\n') + '\n');
    });
}

/** Words into lines of at most `width` characters (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
