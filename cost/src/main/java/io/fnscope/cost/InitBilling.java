package io.fnscope.cost;

/**
 * How the init (cold start) duration of an invocation is charged.
 *
 * <p>AWS: since 2025-08-01 the INIT phase is billed for every Lambda function. Before that date it was free for
 * on-demand invocations of ZIP-packaged functions on managed runtimes, and billed for custom runtimes, container
 * images and provisioned concurrency. The catalog carries the date ({@code init.billed-from}); {@link #AUTO} applies
 * it and assumes the common case before it (ZIP, managed runtime). Callers that know better say so.
 */
public enum InitBilling {
    /** The catalog entry decides from the invocation's start time ({@code init.billed-from}). */
    AUTO,
    /** Charge the init duration at the invocation's duration rate, whatever the date (custom runtime, image...). */
    BILLED,
    /** Do not charge the init duration. */
    NOT_BILLED,
    /**
     * The billed duration given already contains the init duration (a Lambda REPORT line whose Billed Duration is at
     * least Duration + Init Duration). Nothing is added; the init part is only split out of the billed duration so
     * the result shows it as its own component.
     */
    INCLUDED_IN_BILLED_DURATION
}
