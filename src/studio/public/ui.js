// Small helpers for building the page: elements from a tag and properties, never from HTML strings,
// so nothing a person typed can become markup.

/**
 * h('div.row.bad', { title: '…', onclick: fn, dataset: { fig: 'x' } }, child, 'text', [more])
 * Properties: on<event> functions become listeners; dataset and style objects are assigned;
 * anything else is set as a property when the element has it, else as an attribute.
 */
export function h(spec, props, ...children) {
  const id = /#([\w-]+)/.exec(spec)?.[1];
  const [name, ...classes] = spec.replace(/#[\w-]+/, '').split('.');
  const el = document.createElement(name || 'div');
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(' ');
  if (props && (typeof props !== 'object' || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = undefined;
  }
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style') Object.assign(el.style, value);
    else if (key === 'class') el.className += ` ${value}`;
    else if (key in el && !key.includes('-') && key !== 'list') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Run fn at most once per `ms` of quiet; .now() runs it at once, .cancel() drops it. */
export function debounce(fn, ms) {
  let timer;
  let args;
  const run = () => {
    timer = undefined;
    fn(...args);
  };
  const d = (...a) => {
    args = a;
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  d.now = (...a) => {
    if (a.length) args = a;
    clearTimeout(timer);
    if (args) run();
  };
  d.cancel = () => clearTimeout(timer);
  d.pending = () => timer !== undefined;
  return d;
}

const pad = (n) => String(n).padStart(2, '0');

/** 2024-03-15T08:05:00Z → 3月15日 16:05 (local time) */
export function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const today = new Date();
  const day = d.toDateString() === today.toDateString() ? '今天' : `${d.getMonth() + 1}月${d.getDate()}日`;
  return `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function bytes(n) {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(n / 1024))} KB`;
}

/** The kinds of figure, in words a reader knows. */
export const KINDS = {
  count: '数量', amount: '金额·数额', share: '占比', growth: '增长率', points: '百分点', 'from-to': '由…到…',
  target: '目标', duration: '时长', rank: '排名', multiple: '倍数',
};

/** The qualifiers the data may use (src/data/qualifiers.ts), in the order people think of them. */
export const QUALIFIERS = ['近', '将近', '接近', '约', '大约', '左右', '上下', '超过', '逾', '突破', '至少', '不少于', '不低于', '以上', '余', '多', '有余', '不足', '不到', '不超过', '不高于', '最多', '以下', '以内', '仅有', '仅占', '只有', '仅', '达到'];

/** The outputs' titles, as the templates give them (learnOutputs, from GET …/outputs). */
const OUTPUT_TITLES = new Map();

/** Remember the titles of the outputs the server lists: the templates' front matter names them. */
export function learnOutputs(outputs) {
  for (const o of outputs) OUTPUT_TITLES.set(o.name, o);
  return outputs;
}

/** An output's name in words: 卡片 近40%（方） for card-fig-1-square ({figure} in a title is the figure's label). */
export function outputName(name, project) {
  const o = OUTPUT_TITLES.get(name);
  if (!o) return name;
  if (!o.figure) return o.title;
  const f = project?.figures.find((x) => x.id === o.figure);
  return o.title.replace('{figure}', f?.fields.label || o.figure);
}

/** The document's fields, as the page labels them, with a hint each. */
export const DOCUMENT_FIELDS = [
  { key: 'title', label: '简报标题', hint: '如：数说基层党建（最多 40 字）', required: true },
  { key: 'subtitle', label: '副标题', hint: '可不填（最多 80 字）' },
  { key: 'masthead', label: '报头', hint: '不填则为“工作通报”' },
  { key: 'office', label: '发文机关', hint: '如：中共洛阳市委办公室', required: true, list: 'offices' },
  { key: 'officeCode', label: '机关代字', hint: '用于发文字号，如：洛办' },
  { key: 'issue', label: '期号', hint: '第几期，只填数字', type: 'number' },
  { key: 'issued', label: '印发日期', type: 'date', required: true },
  { key: 'docNumber', label: '发文字号', hint: '不填则按 代字〔年份〕期号号 生成' },
  { key: 'speaker', label: '讲话人', hint: '如：李亚（印为“李亚同志”）' },
  { key: 'meeting', label: '会议名称', hint: '可不填' },
  { key: 'speechTitle', label: '讲话标题', hint: '如：在全市组织工作会议上的讲话', required: true, wide: true },
  { key: 'speechDate', label: '讲话日期', type: 'date', required: true },
  { key: 'sourceNote', label: '整理说明', hint: '如：根据记录整理' },
  { key: 'distribution', label: '发送范围', hint: '如：发至县级' },
  { key: 'copyTo', label: '抄送', hint: '公文版记中的抄送机关，可不填' },
  { key: 'keywords', label: '关键词', hint: '用顿号分开，写入 PDF 属性', wide: true },
];

export const FIGURE_FIELD_NAMES = { label: '标签', value: '数值', unit: '单位', qualifier: '限定词', kind: '类型', section: '所在部分', fragment: '原文', qualifierAt: '限定词位置', trend: '升降', from: '原值', icon: '图标' };
