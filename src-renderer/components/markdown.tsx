import { Fragment, type ReactNode } from 'react';
import { highlightLine, languageFor } from './syntax';

// A small Markdown renderer that builds React elements (never raw HTML), so text from a transcript
// cannot inject markup. It covers what assistants write: fences, headings, lists, inline code, bold.

function inline(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(`[^`]+`|\*\*[^*]+\*\*|\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const token = m[0];
    if (token.startsWith('`')) out.push(<code key={`${key}-${i++}`}>{token.slice(1, -1)}</code>);
    else if (token.startsWith('**')) out.push(<strong key={`${key}-${i++}`}>{token.slice(2, -2)}</strong>);
    else {
      const [, label, href] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token) ?? [];
      out.push(/^https?:\/\//.test(href ?? '') ? <a key={`${key}-${i++}`} href={href} target="_blank" rel="noreferrer">{label}</a> : label);
    }
    last = m.index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Renders Markdown text; code fences are highlighted. */
export function Markdown({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  const lines = text.split('\n');
  let i = 0;
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) blocks.push(<p key={`p${blocks.length}`}>{inline(para.join(' '), `p${blocks.length}`)}</p>);
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
      blocks.push(<p key={`h${blocks.length}`} className={`md-h md-h${heading[1]!.length}`}>{inline(heading[2]!, `h${blocks.length}`)}</p>);
    } else if (/^\s*([-*]|\d+\.)\s+/.test(line)) {
      flush();
      const items: string[] = [];
      while (i < lines.length && /^\s*([-*]|\d+\.)\s+/.test(lines[i]!)) items.push(lines[i++]!.replace(/^\s*([-*]|\d+\.)\s+/, ''));
      blocks.push(<ul key={`l${blocks.length}`}>{items.map((it, j) => <li key={j}>{inline(it, `l${blocks.length}-${j}`)}</li>)}</ul>);
      continue;
    } else if (line.trim() === '') flush();
    else para.push(line);
    i++;
  }
  flush();
  return <div className="markdown">{blocks}</div>;
}
