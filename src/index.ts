/**
 * cachebench as a library: the front door. Everything the CLI does goes through these
 * exports, and nothing else is public.
 *
 * ```ts
 * import { loadTrace, simulate, sweep, renderResult } from 'cachebench';
 * const trace = await loadTrace('zipf:alpha=0.9,keys=1e4,requests=1e5');
 * const result = await simulate(trace, { policies: ['lru', 's3-fifo'], capacities: [1000] });
 * console.log(renderResult(result, 'md'));
 * ```
 * @packageDocumentation
 */

// Loading traces: files of every format in the table, and synthetic specs.
export { loadTrace, loadTraceWithStatus, type LoadTraceOptions, type LoadedTrace } from './api/trace.js';
export { userTraceCache, type TraceCacheFolder } from './trace/trace-cache.js';
export { TRACE_FORMATS, type FormatParam, type FormatParams, type TraceFormat } from './trace/formats/index.js';
export type { Trace, TimeColumn, TraceChunk } from './trace/trace.js';
/** Traces larger than memory: a binary trace (`.cbt`) read a chunk at a time, and written so. */
export { openTraceStream, TraceWriter, type TraceStream, type TraceWriterOptions } from './trace/stream.js';
export { convertToBinaryTrace, isBinaryTraceOf, type Converted } from './trace/convert.js';
export type { StreamColumns } from './trace/chunks.js';
/** The synthetic workloads (`zipf:`, `uniform:`, `scan:`, `mix:`, `hotkey:`) as text specs. */
export { isSyntheticSpec, parseTraceSpec, type SyntheticTraceSpec } from './trace/spec.js';
/** A trace as CSV text, streamed to a writable stream, or saved to a file atomically. */
export { traceToCsv, writeTraceCsv, saveTraceCsv } from './trace/write.js';

// Recording traces from running systems: a server's own stream, or a Node service's cache.
export { captureTrace, CAPTURE_SOURCES, type CaptureOptions, type CaptureSource, type CapturedTrace } from './capture/capture.js';
export { recordTrace, type MapLike, type RecordOptions, type TraceRecording } from './capture/record.js';

// A trace's portrait, and a synthetic spec that imitates it.
export {
  analyzeTrace,
  type AnalyzeOptions,
  type Bucket,
  type Distribution,
  type TraceAnalysis,
  type TraceWindow,
} from './analyze/analyze.js';
export { fitTraceSpec, type FitOptions, type FittedSpec } from './analyze/fit.js';
export { renderAnalysis, ANALYSIS_FORMATS, type AnalysisFormat, type AnalysisReport } from './report/analysis.js';

// Replaying: one grid, or hit-rate curves with recommendations.
export { simulate, sweep, defaultSweepSizes } from './api/simulate.js';
/** A grid split over machines: one slice each, then `simulate`/`sweep` with `fromShards`. */
export { simulateShard, sweepShard, checkShardParts, SHARD_PART_FORMAT, type ShardPart } from './api/shards.js';
export { parseSlice, type Slice } from './engine/slices.js';
export {
  checkSimulateOptions,
  checkSweepOptions,
  type Milliseconds,
  type PolicyInput,
  type RecommendationOptions,
  type SimulateOptions,
  type SweepOptions,
  type TierOptions,
} from './api/options.js';
export type { WritePolicy } from './engine/time/freshness.js';
export type { StampedeMode } from './engine/time/stampede.js';

// The policy registry.
export { POLICIES, findPolicy, parsePolicySpec, splitPolicyList, mayDecline, type PolicySpec } from './policies/index.js';
export type { Policy, PolicyContext, PolicyDefinition, PolicyParams, ParamSpec } from './policies/policy.js';

// The result model and its renderers.
export { SCHEMA_VERSION } from './model/result.js';
export type {
  BestChoice,
  CurveBlocker,
  CurveMethod,
  CurvePointRef,
  FreshnessStats,
  IntervalStats,
  LatencyMs,
  Recommendation,
  RecommendationCriterion,
  ResultRow,
  RunOptions,
  RunResult,
  Sampling,
  StampedeStats,
  TierStats,
  TraceSummary,
} from './model/result.js';
export { RENDERERS, REPORT_FORMATS, renderResult, type RenderOptions, type ReportFormat } from './report/render.js';
export { bestChoiceText, recommendationText, samplingText } from './report/words.js';

// Gates: thresholds and baselines, as the CLI's --assert and --baseline use them.
export { parseAssertion, evaluateAssertions, type Assertion } from './gate/assertion.js';
export { compareToBaseline, type BaselineTolerances } from './gate/baseline.js';
export type { Verdict } from './gate/verdict.js';

// Errors.
export { CachebenchError, CancelledError, GateFailure, TraceFormatError, UsageError } from './errors.js';

export { VERSION } from './version.js';
