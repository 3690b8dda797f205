export declare const BUNDLE_BUDGET_BYTES: number;
export declare function bundleBudgetProblem(bytes: number): string | undefined;
