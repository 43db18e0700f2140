/**
 * `cachebench completion bash|zsh|fish`: a completion script for the shell, made from the
 * command tree itself (every command, its flags, the choices a flag takes), so it never lags
 * behind the CLI. Flags that take names complete them: --policies the policy registry (after
 * the last comma, so `lru,s3` completes), --trace-format the format table, -f its choices;
 * a trace or file argument completes file names.
 *
 *   source <(cachebench completion bash)                      # bash, e.g. in ~/.bashrc
 *   cachebench completion zsh > "${fpath[1]}/_cachebench"     # zsh
 *   cachebench completion fish > ~/.config/fish/completions/cachebench.fish
 */
import { Argument, type Command, type Option } from 'commander';
import { POLICIES } from '../policies/index.js';
import { TRACE_FORMATS } from '../trace/formats/index.js';
import type { CliIo } from './io.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** The switches main takes out before any command sees them. */
const GLOBAL_SWITCHES = ['--color', '--no-color', '--no-progress'];

interface FlagInfo {
  readonly names: string[];
  readonly description: string;
  readonly takesValue: boolean;
  /** Fixed words the value may be (choices, policy names, format ids); none for free text. */
  readonly values: readonly string[];
  /** The value is a comma-separated list (complete after the last comma). */
  readonly list: boolean;
}

interface CommandInfo {
  readonly name: string;
  readonly description: string;
  readonly flags: readonly FlagInfo[];
}

function flagInfo(option: Option): FlagInfo {
  const names = [option.short, option.long].filter((name): name is string => name !== undefined);
  const long = option.long ?? '';
  const values =
    option.argChoices ??
    (long === '--policies' ? POLICIES.map((p) => p.name) : long === '--trace-format' ? TRACE_FORMATS.map((f) => f.id) : []);
  return { names, description: option.description, takesValue: option.required || option.optional, values, list: long === '--policies' };
}

function commandsOf(program: Command): CommandInfo[] {
  return program.commands
    .filter((command) => command.name() !== 'completion')
    .map((command) => ({
      name: command.name(),
      description: command.description(),
      flags: [
        ...command.options.map(flagInfo),
        { names: ['-h', '--help'], description: 'show help', takesValue: false, values: [], list: false },
      ],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const quoteSh = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

function bashScript(commands: readonly CommandInfo[]): string {
  const cases = commands.map((command) => {
    const flags = [...command.flags.flatMap((flag) => flag.names), ...GLOBAL_SWITCHES].join(' ');
    const valueCases = command.flags
      .filter((flag) => flag.takesValue)
      .map((flag) => {
        const names = flag.names.join('|');
        if (flag.values.length === 0) return `        ${names}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`;
        const words = flag.values.join(' ');
        if (!flag.list) return `        ${names}) COMPREPLY=($(compgen -W ${quoteSh(words)} -- "$cur")); return ;;`;
        // A list: complete the piece after the last comma, keeping what comes before it.
        return `        ${names}) local head="" piece="$cur"; [[ "$cur" == *,* ]] && head="\${cur%,*}," && piece="\${cur##*,}"; COMPREPLY=($(compgen -W ${quoteSh(words)} -P "$head" -- "$piece")); compopt -o nospace 2>/dev/null; return ;;`;
      });
    return [
      `    ${command.name})`,
      '      case "$prev" in',
      ...valueCases,
      '      esac',
      `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${quoteSh(flags)} -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi`,
      '      ;;',
    ].join('\n');
  });
  return `# bash completion for cachebench: source <(cachebench completion bash)
_cachebench() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) command="\${COMP_WORDS[i]}"; break ;; esac
  done
  if [[ -z "$command" ]]; then
    COMPREPLY=($(compgen -W ${quoteSh([...commands.map((c) => c.name), 'completion', '--help', '--version', ...GLOBAL_SWITCHES].join(' '))} -- "$cur"))
    return
  fi
  case "$command" in
${cases.join('\n')}
    completion) COMPREPLY=($(compgen -W ${quoteSh(SHELLS.join(' '))} -- "$cur")) ;;
  esac
}
complete -o default -F _cachebench cachebench
`;
}

function zshScript(commands: readonly CommandInfo[]): string {
  const escape = (text: string): string => text.replace(/[[\]:'\\]/g, (c) => `\\${c}`);
  const specs = commands.map((command) => {
    const flags = command.flags.map((flag) => {
      const names = flag.names.length > 1 ? `{${flag.names.join(',')}}` : flag.names[0]!;
      const exclusive = flag.names.length > 1 ? `'(${flag.names.join(' ')})'` : '';
      const action = !flag.takesValue
        ? ''
        : flag.values.length === 0
          ? `:value:_files`
          : flag.list
            ? `:value:_sequence compadd - ${flag.values.join(' ')}`
            : `:value:(${flag.values.join(' ')})`;
      return `        ${exclusive}${names}'[${escape(flag.description)}]${action}'`;
    });
    return [
      `    ${command.name})`,
      '      _arguments -s \\',
      ...flags.map((flag) => `${flag} \\`),
      `        '*:file:_files'`,
      '      ;;',
    ].join('\n');
  });
  return `#compdef cachebench
# zsh completion for cachebench: cachebench completion zsh > "\${fpath[1]}/_cachebench"
_cachebench() {
  local -a commands
  commands=(
${commands.map((c) => `    '${c.name}:${escape(c.description)}'`).join('\n')}
    'completion:print a shell completion script'
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${specs.join('\n')}
    completion) _values 'shell' ${SHELLS.join(' ')} ;;
  esac
}
_cachebench "$@"
`;
}

function fishScript(commands: readonly CommandInfo[]): string {
  const q = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [
    '# fish completion for cachebench: cachebench completion fish > ~/.config/fish/completions/cachebench.fish',
    'complete -c cachebench -f',
  ];
  for (const command of commands)
    lines.push(`complete -c cachebench -n __fish_use_subcommand -a ${command.name} -d ${q(command.description)}`);
  lines.push(`complete -c cachebench -n __fish_use_subcommand -a completion -d ${q('print a shell completion script')}`);
  lines.push(`complete -c cachebench -n '__fish_seen_subcommand_from completion' -a ${q(SHELLS.join(' '))}`);
  for (const command of commands) {
    const when = `-n '__fish_seen_subcommand_from ${command.name}'`;
    lines.push(`complete -c cachebench ${when} -F`);
    for (const flag of command.flags) {
      const names = flag.names.map((name) => (name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`)).join(' ');
      const value = !flag.takesValue ? '' : flag.values.length === 0 ? ' -r -F' : ` -x -a ${q(flag.values.join(' '))}`;
      lines.push(`complete -c cachebench ${when} ${names} -d ${q(flag.description)}${value}`);
    }
  }
  for (const name of GLOBAL_SWITCHES) lines.push(`complete -c cachebench -l ${name.slice(2)}`);
  return lines.join('\n') + '\n';
}

export function registerCompletion(program: Command, io: CliIo): void {
  program
    .command('completion')
    .description('print a completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices([...SHELLS]))
    .action((shell: Shell) => {
      const commands = commandsOf(program);
      // Commander has checked the shell against the choices.
      const scripts: Record<Shell, (commands: readonly CommandInfo[]) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };
      io.out(scripts[shell](commands));
    });
}
