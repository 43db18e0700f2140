/** `cachebench policies`: every policy with its parameters, defaults and a one-line description. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { POLICIES } from '../policies/index.js';
import type { CliIo } from './io.js';

export function registerPolicies(program: Command, io: CliIo): void {
  program
    .command('policies')
    .description('list the eviction policies and their parameters')
    .action(() => {
      const width = Math.max(...POLICIES.map((p) => p.name.length));
      const lines: string[] = [];
      for (const policy of POLICIES) {
        const bound = policy.offline ? chalk.dim(' (offline bound)') : '';
        lines.push(`${chalk.bold(policy.name.padEnd(width))}  ${policy.description}${bound}`);
        for (const param of policy.params) {
          const range = param.choices ? ` (${param.choices.join('|')})` : '';
          lines.push(`${' '.repeat(width)}    ${chalk.cyan(`${param.name}=${String(param.default)}`)}${range}  ${param.description}`);
        }
      }
      lines.push('', chalk.dim('Parameters go after a colon: --policies lru,s3-fifo:small=0.2,ghost=0.5'));
      io.out(lines.join('\n') + '\n');
    });
}
