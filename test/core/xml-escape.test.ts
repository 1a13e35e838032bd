import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../src/core/index.js';

describe('escapeXml', () => {
  it.each([
    ['plain text needing nothing', 'plain text needing nothing'],
    ['', ''],
    [`Tom & Jerry's "<Best>" > rest`, 'Tom &amp; Jerry&apos;s &quot;&lt;Best&gt;&quot; &gt; rest'],
    ['&&&<<<>>>', '&amp;&amp;&amp;&lt;&lt;&lt;&gt;&gt;&gt;'],
    ['tab\there\nnewline\rreturn', 'tab\there\nnewline\rreturn'],
    ['controls\u0000\u0001\u0008\u000b\u000c\u000e\u001f gone, \ufffe\uffff too', 'controls gone,  too'],
    ['DEL\u007f is a control character too', 'DEL is a control character too'],
    ['emoji 📺 and accents: Télé 台 ü', 'emoji 📺 and accents: Télé 台 ü'],
  ])('%j → %j', (text, escaped) => {
    expect(escapeXml(text)).toBe(escaped);
  });
});
