// The gallery, output/index.html: every file of the manifest with a thumbnail, its size and a link,
// so a person can see at a glance what a run made. The page is static and needs nothing else.

import { escapeXml as escape } from '../charts/svg.js';
import { sizeText } from '../data/text.js';
import type { ManifestEntry } from '../output/write.js';

export interface GalleryItem {
  entry: ManifestEntry;
  /** Thumbnail path relative to the output folder, if one could be made */
  thumbnail?: string;
}

export function describeSize(e: ManifestEntry): string {
  const mb = sizeText(e.bytes, 2);
  if (e.pixels) return `${e.pixels.width}×${e.pixels.height} px${e.dpi ? ` · ${e.dpi} dpi` : ''} · ${mb}`;
  if (e.pageSize) {
    const mm = (pt: number) => Math.round((pt / 72) * 25.4);
    return `${e.pages ?? 1} ${e.pages === 1 ? 'page' : 'pages'} · ${mm(e.pageSize.width)}×${mm(e.pageSize.height)} mm${e.colour ? ` · ${e.colour}` : ''} · ${mb}`;
  }
  return mb;
}

/** The HTML of the gallery. Items keep the manifest's order. */
export function galleryHtml(title: string, items: GalleryItem[]): string {
  const cards = items.map(({ entry, thumbnail }) => {
    const image = thumbnail ? `<img src="${escape(thumbnail)}" alt="${escape(entry.file)}" loading="lazy">` : '<div class="none">no preview</div>';
    return `<figure><a href="${escape(entry.file)}">${image}</a><figcaption><a href="${escape(entry.file)}">${escape(entry.file)}</a><br><span>${escape(describeSize(entry))}</span></figcaption></figure>`;
  });
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
  body { margin: 24px; font-family: sans-serif; color: #000; background: #f6f1ea; }
  h1 { font-size: 20px; margin: 0 0 16px; }
  main { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 16px; }
  figure { margin: 0; background: #fff; padding: 10px; }
  figure img, .none { display: block; width: 200px; height: 200px; object-fit: contain; margin: 0 auto; }
  .none { line-height: 200px; text-align: center; color: #6b6b6b; }
  figcaption { font-size: 13px; margin-top: 8px; word-break: break-all; }
  figcaption span { color: #6b6b6b; }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
<main>
${cards.join('\n')}
</main>
</body>
</html>
`;
}
