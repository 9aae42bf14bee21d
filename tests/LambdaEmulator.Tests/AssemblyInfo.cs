// Real processes on a shared machine: one test at a time keeps timings (cold starts, timeouts) meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
