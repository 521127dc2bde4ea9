// Stage 5b: PDF post-processing with pdf-lib: document metadata, and reading back
// what Chrome actually wrote (page count, MediaBox, outline).

import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';

export interface PdfMeta {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** BCP 47, e.g. zh-CN */
  language: string;
  /** Fixed dates keep the output the same from run to run (YYYY-MM-DD) */
  date: string;
}

export interface PdfInfo {
  pages: number;
  /** MediaBox of the first page, in pt */
  width: number;
  height: number;
  hasOutline: boolean;
}

/** Write title, author, subject, keywords, language and fixed dates into a PDF. */
export async function setPdfMetadata(pdf: Uint8Array, meta: PdfMeta): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const date = new Date(`${meta.date}T00:00:00Z`);
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  doc.setKeywords(meta.keywords);
  doc.setLanguage(meta.language);
  doc.setCreator('shushuo');
  doc.setProducer('shushuo (Chrome, pdf-lib)');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

export async function readPdfInfo(pdf: Uint8Array): Promise<PdfInfo> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const first = doc.getPage(0);
  const { width, height } = first.getMediaBox();
  const outlines = doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict);
  return { pages: doc.getPageCount(), width, height, hasOutline: Boolean(outlines?.get(PDFName.of('First'))) };
}
