/*
 * The console's additions to the sign-in pages' style sheet (served together,
 * as one file): a header with navigation, wide pages, tables that scroll on
 * a phone, badges and notices. Light and dark through the same variables.
 */
export const CONSOLE_STYLES = `
:root{--ok:#0b6b2f;--ok-bg:#e3f4e8;--danger:#b00020;--danger-fg:#fff;--table-stripe:rgba(127,127,127,.08)}
@media (prefers-color-scheme:dark){:root{--ok:#7ee2a0;--ok-bg:#12301d;--danger:#ff8a9c;--danger-fg:#1a0005}}
body.console{display:block;padding:0}
.skip{position:absolute;left:-999px;top:0}.skip:focus{left:.5rem;top:.5rem;background:var(--card);padding:.5rem;z-index:2}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.75rem 1rem;background:var(--card);border-bottom:1px solid var(--border)}
.brand{margin:0;font-weight:700}.brand a{color:var(--fg);text-decoration:none}
.top nav ul{display:flex;flex-wrap:wrap;gap:.25rem .9rem;list-style:none;margin:0;padding:0}
.top nav a{text-decoration:none;padding:.15rem 0}.top nav a[aria-current=page]{font-weight:700;text-decoration:underline;text-underline-offset:.3em}
.signout{margin-left:auto}
main{max-width:64rem;margin:0 auto;padding:1rem}
main h1{margin-top:.5rem}
h2{font-size:1.15rem;margin:1.75rem 0 .5rem}
section{margin-bottom:1.5rem}
.panel{background:var(--card);border:1px solid var(--border);border-radius:12px;padding:1rem;margin:.75rem 0}
.panel>h2:first-child{margin-top:0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;vertical-align:top;padding:.5rem .6rem;border-bottom:1px solid var(--border)}
thead th{font-size:.85rem;color:var(--muted);font-weight:600}
tbody th{font-weight:600}tbody th code,tbody th .muted,tbody th .sub{font-weight:400}
td code{word-break:normal;overflow-wrap:break-word}
tbody tr:nth-child(even){background:var(--table-stripe)}
td form,td details{display:inline-block;margin:0 .25rem .25rem 0}
.preview{display:block;max-width:32rem;white-space:pre-wrap;word-break:break-word;max-height:6.5em;overflow:hidden}
textarea{font:.95rem/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;padding:.6rem .7rem;border:1px solid var(--border);border-radius:8px;background:transparent;color:inherit;width:100%}
fieldset{border:1px solid var(--border);border-radius:8px;padding:.5rem .75rem;margin:.5rem 0}
legend{font-weight:600;padding:0 .25rem}
fieldset>label{display:block;margin-top:.5rem}
.choices{display:flex;flex-wrap:wrap;gap:.25rem 1rem}.choices label{font-weight:400;margin:0}
input[type=radio],input[type=checkbox]{width:auto;margin-right:.3rem}
button.small{padding:.35rem .7rem;font-size:.9rem}
button.danger{background:var(--danger);color:var(--danger-fg)}
button.secondary.danger{background:transparent;color:var(--danger);border-color:var(--danger)}
.notice{background:var(--ok-bg);color:var(--ok);border-radius:8px;padding:.6rem .8rem;font-weight:600}
.error{background:transparent}
.badge{display:inline-block;white-space:nowrap;font-size:.75rem;font-weight:600;border:1px solid var(--border);border-radius:999px;padding:0 .5rem;color:var(--muted);vertical-align:middle}
.badge.ok{color:var(--ok);border-color:currentColor}.badge.warn{color:var(--warn-fg);background:var(--warn-bg);border-color:transparent}.badge.bad{color:var(--danger);border-color:currentColor}
.counts{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.75rem;list-style:none;padding:0}
.counts a{display:block;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:.75rem;text-decoration:none}
.counts strong{display:block;font-size:1.6rem;color:var(--fg)}
.crumbs{display:flex;flex-wrap:wrap;list-style:none;padding:0;margin:0;gap:.25rem;color:var(--muted)}
.crumbs li+li::before{content:"/";margin-right:.25rem}
.pager{display:flex;gap:1rem;align-items:center;margin:.75rem 0}
.stack textarea{min-height:5rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.narrow{max-width:36rem}
@media (max-width:40rem){th,td{padding:.4rem}.preview{max-width:14rem}}
`;
