/**
 * Generated blocks inside hand-written markdown, such as the README's command
 * table between `<!-- BEGIN commands -->` and `<!-- END commands -->`. Only the
 * lines between the two markers are the generator's; everything else is
 * the author's and is kept byte for byte.
 */

/**
 * `text` with the block named `name` holding exactly `content` (plus one
 * newline on each side). Idempotent: replacing with the same content returns
 * `text` unchanged once it is up to date. Throws when the markers are missing,
 * repeated or out of order, since guessing where a block goes would rewrite
 * someone's prose.
 */
export function replaceBlock(text: string, content: string, name = "commands"): string {
  const begin = `<!-- BEGIN ${name} -->`;
  const end = `<!-- END ${name} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`no "${begin}" … "${end}" block found`);
  if (text.indexOf(begin, from + 1) >= 0 || text.indexOf(end, to + 1) >= 0) {
    throw new Error(`the "${begin}" block appears more than once`);
  }
  if (to < from) throw new Error(`"${end}" comes before "${begin}"`);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const body = content.replace(/\r?\n/g, eol).replace(/(?:\r?\n)+$/, "");
  const inner = body === "" ? eol : `${eol}${body}${eol}`;
  return `${text.slice(0, from + begin.length)}${inner}${text.slice(to)}`;
}
