/** The page frame: navigation, who served the page (region, instance) and the replication lag. */
import type { ReplicationSnapshot } from '../replication-monitor.js';
import { html, raw, type SafeHtml } from './html.js';

export interface PageContext {
  region: string;
  instanceId: string;
  replication: ReplicationSnapshot;
  userName: string | null;
}

const styles = `
body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:0 1rem;color:#1d2330}
header,footer{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;padding:.6rem 0;border-bottom:1px solid #dde}
footer{border-top:1px solid #dde;border-bottom:0;font-size:13px;color:#556;margin-top:2rem}
header a{text-decoration:none;font-weight:600}nav{display:flex;gap:1rem;flex:1}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eef}
.badge{background:#eef;padding:.1rem .4rem;border-radius:.3rem;font-family:monospace}
.error{background:#fee;border:1px solid #d99;padding:.6rem;border-radius:.3rem}
.note{background:#f6f7fb;padding:.6rem;border-radius:.3rem}
form.inline{display:inline}input[type=number]{width:4rem}button{cursor:pointer}
`;

function lagLine(replication: ReplicationSnapshot): SafeHtml {
  if (replication.peers.length === 0) return html`single region`;
  return html`${replication.peers.map(
    (peer) =>
      html`<span class="badge" title="age of ${peer.region}'s heartbeat as seen here">${peer.region}: ${
        peer.heartbeatAgeMs === null ? 'no heartbeat yet' : `${peer.heartbeatAgeMs} ms old`
      }</span> `,
  )}`;
}

export function page(title: string, context: PageContext, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Global Store</title><style>${raw(styles)}</style></head>
<body>
<header><a href="/">Global Store</a>
<nav><a href="/">Catalogue</a><a href="/cart">Cart</a><a href="/orders">Orders</a><a href="/stock">Stock counters</a></nav>
${
  context.userName
    ? html`<span>Signed in as <b>${context.userName}</b></span>
<form class="inline" method="post" action="/signout"><button>Sign out</button></form>`
    : html`<a href="/signin">Sign in</a>`
}
</header>
<main><h1>${title}</h1>
${body}
</main>
<footer>Served by region <span class="badge" id="served-region">${context.region}</span>
instance <span class="badge" id="served-instance">${context.instanceId}</span>
· replication heartbeats: ${lagLine(context.replication)}</footer>
</body></html>`.value;
}
