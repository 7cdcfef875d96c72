import type { Options } from 'yargs';

/** What the completion script needs of one verb. */
export interface VerbShape {
  name: string;
  mode: 'daemon' | 'supervisor' | 'both';
  options: Record<string, Options>;
  takesCommand: boolean;
}

const SIGNALS = 'TERM INT HUP QUIT USR1 USR2 KILL WINCH ALRM CONT STOP';

/** Options whose value is a file, a directory, a --name, a user, a group, a signal, or one of a few words. */
const VALUE_KINDS: Array<[string, string[]]> = [
  ['files', ['pidfile', 'config', 'log', 'error-log', 'command-pidfile']],
  ['dirs', ['chdir', 'dir']],
  ['names', ['name']],
  ['users', ['user']],
  ['groups', ['group']],
  ['signals', ['stop-signal', 'reload-signal']],
  ['restart', ['restart']],
];

/** Every spelling of an option (--name, -n). */
function spellings(name: string, spec: Options): string[] {
  const aliases = spec.alias === undefined ? [] : Array.isArray(spec.alias) ? spec.alias : [spec.alias];
  return [name, ...aliases].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
}

function optionWords(options: Record<string, Options>): string {
  return Object.entries(options)
    .flatMap(([name, spec]) => spellings(name, spec).filter((s) => s.startsWith('--')))
    .join(' ');
}

/**
 * tdaemon's bash completion, generated from the verb and option tables the
 * parser uses, so that it never lags behind them: verbs (those of -c FILE
 * after -c), each verb's options, the values of options (files, --name's
 * daemons, users, signals), and a command after start or restart.
 * `tdaemon completion names` lists the names, from the directory
 * --name uses for the caller.
 */
export function bashCompletion(verbs: readonly VerbShape[], globalOptions: Record<string, Options>, version: string): string {
  const all: Record<string, Options> = { ...globalOptions };
  for (const verb of verbs) Object.assign(all, verb.options);
  const valued = Object.entries(all)
    .filter(([, spec]) => spec.type !== 'boolean')
    .flatMap(([name, spec]) => spellings(name, spec));
  const kindCases = VALUE_KINDS.map(([kind, names]) => {
    const words = names.flatMap((n) => (all[n] ? spellings(n, all[n]) : [`--${n}`]));
    return `    ${words.join('|')}) _tdaemon_values ${kind}; return ;;`;
  }).join('\n');
  const verbNames = (mode: 'daemon' | 'supervisor') => [...new Set(verbs.filter((v) => v.mode !== (mode === 'daemon' ? 'supervisor' : 'daemon')).map((v) => v.name))].join(' ');
  const verbOptions = (mode: 'daemon' | 'supervisor') =>
    verbs
      .filter((v) => v.mode === 'both' || v.mode === mode)
      .map((v) => `      ${v.name}) words="$words ${optionWords(v.options)}" ;;`)
      .join('\n');
  const commandVerbs = verbs.filter((v) => v.mode === 'daemon' && v.takesCommand && v.name !== 'export' && v.name !== 'completion').map((v) => v.name);
  return `# bash completion for tdaemon ${version}, written by 'tdaemon completion bash'.
# Install for yourself:  tdaemon completion bash > ~/.local/share/bash-completion/completions/tdaemon
# or for everyone:       tdaemon completion bash > /usr/share/bash-completion/completions/tdaemon
# or in ~/.bashrc:       source <(tdaemon completion bash)

_tdaemon_values() {
  local words=
  case $1 in
    files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    dirs) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
    users) mapfile -t COMPREPLY < <(compgen -u -- "$cur"); return ;;
    groups) mapfile -t COMPREPLY < <(compgen -g -- "$cur"); return ;;
    names) words=$("$tdaemon" completion names 2>/dev/null) ;;
    signals) words="${SIGNALS}" ;;
    restart) words="on-failure always" ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}

_tdaemon() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev= word verb= supervisor= command_at= i words=
  local tdaemon=\${COMP_WORDS[0]}
  ((COMP_CWORD > 0)) && prev=\${COMP_WORDS[COMP_CWORD-1]}
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    case $word in
      -c|--config) supervisor=1; ((i++)) ;;
      --config=*) supervisor=1 ;;
      ${valued.join('|')}) ((i++)) ;;
      --) [[ -n $verb && -z $supervisor ]] && command_at=$((i + 1)); break ;;
      -*) ;;
      *)
        if [[ -z $verb ]]; then verb=$word
        elif [[ -z $supervisor ]] && [[ " ${commandVerbs.join(' ')} " == *" $verb "* ]]; then command_at=$i; break
        fi ;;
    esac
  done
  if [[ -n $command_at ]]; then
    # The daemon's command: a program first, then its arguments.
    if ((COMP_CWORD == command_at)); then mapfile -t COMPREPLY < <(compgen -c -- "$cur")
    else compopt -o default 2>/dev/null
    fi
    return
  fi
  # The value of an option.
  case $prev in
${kindCases}
    ${valued.join('|')}) return ;;
  esac
  if [[ $cur == -* ]]; then
    words="${optionWords(globalOptions)}"
    if [[ -n $supervisor ]]; then
      case $verb in
${verbOptions('supervisor')}
      esac
    else
      case $verb in
${verbOptions('daemon')}
      esac
    fi
  elif [[ -z $verb ]]; then
    if [[ -n $supervisor ]]; then words="${verbNames('supervisor')}"; else words="${verbNames('daemon')}"; fi
  else
    case $verb in
      export) words="systemd supervisord" ;;
      completion) words="bash" ;;
      ${commandVerbs.join('|')}) [[ -z $supervisor ]] && mapfile -t COMPREPLY < <(compgen -c -- "$cur"); return ;;
    esac
  fi
  mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}

complete -F _tdaemon tdaemon
`;
}
