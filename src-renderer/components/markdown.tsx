import { Fragment, type ReactNode } from 'react';
import { highlightLine, languageFor } from './syntax';

// A small Markdown renderer that builds React elements (never raw HTML), so text from a transcript
// cannot inject markup. It covers what assistants write: fences, headings, nested lists, quotes, inline code, bold.

/** Plain text with the matches of `highlight` marked. */
function marked(text: string, key: string, highlight: RegExp | null): ReactNode {
  if (!highlight) return text;
  const out: ReactNode[] = [];
  let last = 0;
  highlight.lastIndex = 0;
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = highlight.exec(text)) && m[0] !== '') {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(<mark key={`${key}-m${i++}`}>{m[0]}</mark>);
    last = m.index + m[0].length;
  }
  if (i === 0) return text;
  if (last < text.length) out.push(text.slice(last));
  return <Fragment key={key}>{out}</Fragment>;
}

function inline(text: string, key: string, highlight: RegExp | null = null): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(`[^`]+`|\*\*[^*]+\*\*|\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(marked(text.slice(last, m.index), `${key}-t${i++}`, highlight));
    const token = m[0];
    if (token.startsWith('`')) out.push(<code key={`${key}-${i++}`}>{marked(token.slice(1, -1), `${key}-c${i}`, highlight)}</code>);
    else if (token.startsWith('**')) out.push(<strong key={`${key}-${i++}`}>{marked(token.slice(2, -2), `${key}-b${i}`, highlight)}</strong>);
    else {
      const [, label, href] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token) ?? [];
      out.push(/^https?:\/\//.test(href ?? '') ? <a key={`${key}-${i++}`} href={href} target="_blank" rel="noreferrer">{label}</a> : label);
    }
    last = m.index + token.length;
  }
  if (last < text.length) out.push(marked(text.slice(last), `${key}-t${i}`, highlight));
  return out;
}

const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;

interface ListItem {
  indent: number;
  ordered: boolean;
  text: string;
  children: ListItem[];
}

/** Items nested by indentation: an item indented past its predecessor belongs to it. */
function nestItems(lines: string[]): ListItem[] {
  const root: ListItem[] = [];
  const stack: ListItem[] = [];
  for (const line of lines) {
    const m = LIST_ITEM.exec(line);
    if (!m) {
      // A continuation line joins the last item's text.
      const last = stack[stack.length - 1];
      if (last) last.text += ` ${line.trim()}`;
      continue;
    }
    const item: ListItem = { indent: m[1]!.replace(/\t/g, '    ').length, ordered: /\d/.test(m[2]!), text: m[3]!, children: [] };
    while (stack.length && stack[stack.length - 1]!.indent >= item.indent) stack.pop();
    (stack.length ? stack[stack.length - 1]!.children : root).push(item);
    stack.push(item);
  }
  return root;
}

function renderList(items: ListItem[], key: string, highlight: RegExp | null): ReactNode {
  const body = items.map((it, j) => (
    <li key={j}>
      {inline(it.text, `${key}-${j}`, highlight)}
      {it.children.length ? renderList(it.children, `${key}-${j}`, highlight) : null}
    </li>
  ));
  return items[0]?.ordered ? <ol key={key}>{body}</ol> : <ul key={key}>{body}</ul>;
}

/** Renders Markdown text; code fences are highlighted. */
export function Markdown({ text, highlight = null }: { text: string; highlight?: RegExp | null }) {
  const blocks: ReactNode[] = [];
  const lines = text.split('\n');
  let i = 0;
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) blocks.push(<p key={`p${blocks.length}`}>{inline(para.join(' '), `p${blocks.length}`, highlight)}</p>);
    para = [];
  };
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^\s*```\s*([\w+-]*)/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      i++;
      while (i < lines.length && !/^\s*```/.test(lines[i]!)) code.push(lines[i++]!);
      i++;
      const language = fence[1] ? (languageFor(`x.${fence[1]}`) ?? (fence[1] === 'typescript' || fence[1] === 'javascript' || fence[1] === 'bash' ? fence[1] : null)) : null;
      blocks.push(
        <pre key={`c${blocks.length}`} className="md-code">
          {code.map((l, j) => (
            <Fragment key={j}>
              <span dangerouslySetInnerHTML={{ __html: highlightLine(l, language) }} />
              {'\n'}
            </Fragment>
          ))}
        </pre>,
      );
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push(<p key={`h${blocks.length}`} className={`md-h md-h${heading[1]!.length}`}>{inline(heading[2]!, `h${blocks.length}`, highlight)}</p>);
    } else if (/^\s*>/.test(line)) {
      flush();
      const quoted: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) quoted.push(lines[i++]!.replace(/^\s*> ?/, ''));
      blocks.push(
        <blockquote key={`q${blocks.length}`}>
          <Markdown text={quoted.join('\n')} highlight={highlight} />
        </blockquote>,
      );
      continue;
    } else if (LIST_ITEM.test(line)) {
      flush();
      const items: string[] = [];
      // Items, and the indented lines under them, until a blank line not followed by more of the list.
      while (i < lines.length && (LIST_ITEM.test(lines[i]!) || (/^\s{2,}\S/.test(lines[i]!) && items.length > 0))) items.push(lines[i++]!);
      blocks.push(renderList(nestItems(items), `l${blocks.length}`, highlight));
      continue;
    } else if (line.trim() === '') flush();
    else para.push(line);
    i++;
  }
  flush();
  return <div className="markdown">{blocks}</div>;
}
