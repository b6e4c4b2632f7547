/** Minimal HTML for the simulator's pages. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC",sans-serif;background:#f5f5f5;margin:0;padding:2rem}
main{max-width:28rem;margin:auto;background:#fff;border-radius:12px;padding:1.5rem 2rem;box-shadow:0 2px 12px #0001}
h1{font-size:1.2rem;color:#1677ff}.note{color:#666;font-size:.85rem}
label{display:block;padding:.4rem 0}button{font-size:1rem;padding:.5rem 1.5rem;border-radius:6px;border:1px solid #1677ff;margin-right:.5rem;cursor:pointer}
button.primary{background:#1677ff;color:#fff}.error{color:#c00}
</style></head><body><main>${body}</main></body></html>`;
}

export function hiddenFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
}
