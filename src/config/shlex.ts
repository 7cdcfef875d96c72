// Python's shlex in POSIX mode, the two ways supervisor uses it: shlex.split
// for `command=` (no shell: quotes and backslashes only) and a word lexer for
// `environment=KEY="v",KEY2=v2`.

const WORDCHARS =
  'abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_' +
  'ßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ';
const WHITESPACE = ' \t\r\n';

interface LexOptions {
  /** split(): any run of non-space is a word. Otherwise other characters are one-character tokens. */
  whitespaceSplit: boolean;
  wordchars: string;
  commenters: string;
}

/** Thrown with Python's own words: "No closing quotation", "No escaped character". */
export class ShlexError extends Error {}

function lex(text: string, opts: LexOptions): string[] {
  const tokens: string[] = [];
  let state = ' ';
  let token = '';
  let quoted = false;
  let escapedState = 'a';
  const emit = () => {
    if (token !== '' || quoted) tokens.push(token);
    token = '';
    quoted = false;
  };
  const isWord = (ch: string) => opts.wordchars.includes(ch);
  for (let i = 0; i <= text.length; i++) {
    const ch = i < text.length ? text[i] : '';
    if (state === '"' || state === "'") {
      quoted = true;
      if (ch === '') throw new ShlexError('No closing quotation');
      if (ch === state) state = 'a';
      else if (ch === '\\' && state === '"') {
        escapedState = state;
        state = '\\';
      } else token += ch;
    } else if (state === '\\') {
      if (ch === '') throw new ShlexError('No escaped character');
      // Inside double quotes only the quote and the backslash can be escaped.
      if (escapedState === '"' && ch !== '"' && ch !== '\\') token += '\\';
      token += ch;
      state = escapedState;
    } else if (ch === '') {
      emit();
    } else if (WHITESPACE.includes(ch)) {
      emit();
      state = ' ';
    } else if (opts.commenters.includes(ch)) {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? text.length - 1 : eol;
      emit();
      state = ' ';
    } else if (ch === '"' || ch === "'") {
      state = ch;
    } else if (ch === '\\') {
      escapedState = 'a';
      state = '\\';
    } else if (opts.whitespaceSplit || isWord(ch)) {
      token += ch;
      state = 'a';
    } else if (state === 'a') {
      // A punctuation character ends the word and is read again as a token.
      emit();
      state = ' ';
      i--;
    } else {
      tokens.push(ch);
    }
  }
  return tokens;
}

/** shlex.split(command): the argv supervisor execs. */
export function splitCommand(command: string): string[] {
  return lex(command, { whitespaceSplit: true, wordchars: WORDCHARS, commenters: '' });
}

/**
 * supervisor's dict_of_key_value_pairs: tokens in threes (KEY, '=', VALUE),
 * each triple followed by one separator token, which is meant to be a comma
 * but is never checked: `A=a b` gives A=a and drops b. Such a dropped word is
 * returned in `ignored`, so the caller can warn about it.
 */
export function parseKeyValuePairs(text: string): { pairs: Record<string, string>; ignored: string[] } {
  const tokens = lex(text, { whitespaceSplit: false, wordchars: `${WORDCHARS}/.+-():`, commenters: '#' });
  const pairs: Record<string, string> = {};
  const ignored: string[] = [];
  for (let i = 0; i < tokens.length; i += 4) {
    if (i + 2 >= tokens.length || tokens[i + 1] !== '=') {
      throw new ShlexError(`Unexpected end of key/value pairs in value '${text}'`);
    }
    pairs[tokens[i]] = tokens[i + 2];
    if (i + 3 < tokens.length && tokens[i + 3] !== ',') ignored.push(tokens[i + 3]);
  }
  return { pairs, ignored };
}
