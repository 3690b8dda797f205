/**
 * The evidence report's look: the palette and type of the watchdog's emails (lib/notify/visualTokens.ts, which the
 * email layout uses too), one readable column, tables that stack into "column: value" lines below 600 px, and a print
 * stylesheet so that "print to PDF" gives clean pages: no margins wasted, rows never split, headers repeated, links
 * and colours kept legible in black and white.
 */
import { FONT_STACK, HEADER_TINT, INK, MUTED, RULE, SEVERITY_COLOUR } from '../notify/visualTokens.js';

const OK = SEVERITY_COLOUR.low;
const BAD = SEVERITY_COLOUR.critical;

export const REPORT_STYLE = `
body{font-family:${FONT_STACK};margin:0;color:${INK};line-height:1.45;-webkit-text-size-adjust:100%}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:0 0 .5rem}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid ${RULE};padding-bottom:.25rem}
h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.85rem}
th,td{border:1px solid ${RULE};padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:${HEADER_TINT};overflow-wrap:normal}
tr.outside td{border-left:4px solid ${BAD}}
table.facts{width:auto;font-size:.95rem}table.facts th{background:none;border:0;color:${MUTED};padding-right:1.5rem;white-space:nowrap}
table.facts td{border:0}
.ok{color:${OK};font-weight:600}.bad{color:${BAD};font-weight:700}.muted{color:${MUTED}}
code{font-size:.8rem;overflow-wrap:anywhere}
.summary{border:1px solid ${RULE};border-radius:6px;padding:0 16px 8px;margin:1rem 0}
@media (max-width:600px){
main{padding:12px}
table.data thead{display:none}
table.data tr{display:block;border-bottom:1px solid ${RULE};padding:6px 0}
table.data td{display:block;border:0;padding:2px 0}
table.data td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:${MUTED}}
table.facts th,table.facts td{display:block;padding:0 0 2px}
}
@media print{
@page{margin:14mm 12mm}
main{max-width:none;padding:0}
body{font-size:10pt}
h2{break-after:avoid}
table{font-size:8.5pt}
thead{display:table-header-group}
tr,td,th{break-inside:avoid}
.summary{break-after:page;border:0;padding:0}
.ok,.bad{color:#000}.bad::before{content:"! "}
}`;
