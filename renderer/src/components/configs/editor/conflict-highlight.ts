import { RangeSetBuilder, type Extension } from '@codemirror/state'
import { Decoration, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view'
import { findConflicts, type TextSpan } from '../../../lib/configs/conflict-markers'

const marker = Decoration.line({ class: 'cfg-conflict-marker' })
const mine = Decoration.line({ class: 'cfg-conflict-mine' })
const theirs = Decoration.line({ class: 'cfg-conflict-theirs' })

function decorate(view: EditorView): DecorationSet {
  const b = new RangeSetBuilder<Decoration>()
  const doc = view.state.doc
  const text = doc.toString()
  const lines = (span: TextSpan, deco: Decoration, out: Array<[number, Decoration]>) => {
    if (span.to <= span.from) return
    for (let pos = span.from; pos < span.to && pos <= doc.length; ) {
      const line = doc.lineAt(pos)
      out.push([line.from, deco])
      pos = line.to + 1
    }
  }
  for (const block of findConflicts(text)) {
    const out: Array<[number, Decoration]> = []
    for (const m of block.markers) lines(m, marker, out)
    lines(block.mineSpan, mine, out)
    lines(block.theirsSpan, theirs, out)
    out.sort((a, c) => a[0] - c[0])
    for (const [from, deco] of out) b.add(from, from, deco)
  }
  return b.finish()
}

/** Conflict blocks left by a compare: marker lines, the local side and the server's side in their own colours. */
export const conflictHighlight: Extension = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet
    constructor(view: EditorView) {
      this.decorations = decorate(view)
    }
    update(u: ViewUpdate) {
      if (u.docChanged) this.decorations = decorate(u.view)
    }
  },
  { decorations: (v) => v.decorations },
)
