// The command line comes in the next commit; the measurement, scheduling, cost and threshold parts are usable and tested.
return 0;
