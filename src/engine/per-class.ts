/**
 * Gives each policy class its own compiled copy of a hot loop.
 *
 * V8 keeps type feedback per function, not per caller: one replay loop that calls
 * `policy.access` for lru, then fifo, then arc... sees more than four receiver classes at
 * that call site, turns megamorphic, stops inlining `access` and pays a generic lookup on
 * every request - replay in a process that has run many policies got about half as fast.
 * A copy of the loop made from its own source text is a separate function with its own
 * feedback, so each class's copy stays monomorphic and V8 inlines `access` into it.
 *
 * The templates live in loops/templates.ts, which says what they may use and why tools that
 * rewrite function bodies break the copies. Copies are made once per (class, template) and
 * kept as long as the class lives. The template itself is used where code generation from
 * strings is disabled, and everywhere with CACHEBENCH_SHARED_LOOPS=1 (for coverage tools and
 * debuggers, which then see the loops; the counts are the same, only slower).
 */

type Template = (...args: never[]) => unknown;

const copies = new WeakMap<object, Map<Template, Template>>();
/** CACHEBENCH_SHARED_LOOPS=1: run the templates themselves, uncopied. */
export const SHARED_LOOPS = process.env['CACHEBENCH_SHARED_LOOPS'] === '1';
let made = 0;

/** The copy of `template` that belongs to `owner` (a policy's constructor), made on first use. */
export function copyFor<F extends Template>(template: F, owner: object): F {
  if (SHARED_LOOPS) return template;
  let table = copies.get(owner);
  if (table === undefined) {
    table = new Map();
    copies.set(owner, table);
  }
  let copy = table.get(template);
  if (copy === undefined) {
    copy = compileCopy(template, owner);
    table.set(template, copy);
  }
  return copy as F;
}

function compileCopy(template: Template, owner: object): Template {
  const label = typeof owner === 'function' && owner.name ? owner.name : 'policy';
  try {
    // The trailing comment makes every source text unique, so V8's compilation cache cannot
    // hand back a function (and feedback) shared with another class.
    // Compiling from source text is the point: a copy with its own type feedback (see above).
    // eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call
    return new Function(`return ${template.toString()}\n// per-class copy for ${label} #${++made}`)() as Template;
  } catch (error) {
    // Code generation from strings disabled (--disallow-code-generation-from-strings):
    // the shared template gives the same results, only without per-class feedback.
    if (error instanceof EvalError) return template;
    throw error;
  }
}

/** The owner to key copies by: the object's class. */
export function classOf(instance: object): object {
  return (instance as { constructor: object }).constructor;
}
