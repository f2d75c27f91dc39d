<?php
// The PHP reference worker, written from the seed (README: "the seed"): a non-blocking GearmanWorker loop
// with a SIGTERM flag, the `reverse` and `sleep` jobs, and the same JSON-lines events on stdout as ours, so the
// benchmarks and the graceful-restart test can run either worker unchanged.
//
//   php php-worker.php [--servers host:port,...] [--worker-id ID] [--max-jobs N] [--max-lifetime SECONDS]
pcntl_async_signals(true); // the seed's declare(ticks=1), without the per-statement cost

$opts = getopt('', ['servers:', 'worker-id:', 'max-jobs:', 'max-lifetime:']);
$servers = $opts['servers'] ?? '127.0.0.1:4730';
$id = $opts['worker-id'] ?? gethostname() . '-' . getmypid();
$maxJobs = isset($opts['max-jobs']) ? (int) $opts['max-jobs'] : PHP_INT_MAX;
$restartAt = isset($opts['max-lifetime']) ? time() + (int) $opts['max-lifetime'] : PHP_INT_MAX;

function event(string $event, array $fields = []): void {
    global $id;
    $ts = DateTime::createFromFormat('U.u', sprintf('%.6F', microtime(true)))->format('Y-m-d\TH:i:s.u\Z');
    echo json_encode(['ts' => $ts, 'worker' => $id, 'event' => $event] + $fields), "\n";
}

$terminate = null;
pcntl_signal(SIGTERM, function () use (&$terminate) { $terminate = $terminate ?? 'sigterm'; });
$jobsDone = 0;

$worker = new GearmanWorker();
$worker->addOptions(GEARMAN_WORKER_NON_BLOCKING);
$worker->setTimeout(2000);
$worker->addServers($servers);
$worker->setId($id);
$run = function (callable $work) use (&$jobsDone) {
    return function (GearmanJob $job) use ($work, &$jobsDone) {
        event('job_started', ['function' => $job->functionName(), 'handle' => $job->handle()]);
        $result = $work($job->workload());
        $jobsDone++;
        event('job_ended', ['function' => $job->functionName(), 'handle' => $job->handle()]);
        return $result;
    };
};
$worker->addFunction('reverse', $run(fn (string $w) => strrev($w)));
$worker->addFunction('sleep', $run(function (string $w) {
    $ms = (int) $w;
    usleep($ms * 1000);
    return "slept $ms ms";
}));
$worker->addFunction('_worker_' . $id, function (GearmanJob $job) use (&$terminate) {
    if (trim($job->workload()) === 'terminate') {
        $terminate = $terminate ?? 'terminate';
    }
    return 'ok';
});

event('ready', ['pid' => getmypid(), 'servers' => $servers, 'functions' => 'reverse,sleep']);
while (!$terminate && (@$worker->work() || in_array($worker->returnCode(), [GEARMAN_IO_WAIT, GEARMAN_NO_JOBS, GEARMAN_TIMEOUT], true))) {
    if ($worker->returnCode() === GEARMAN_SUCCESS) {
        if ($jobsDone >= $maxJobs) {
            $terminate = 'max-jobs';
        } elseif (time() >= $restartAt) {
            $terminate = 'max-lifetime';
        }
        continue;
    }
    if (!$terminate && time() >= $restartAt) {
        $terminate = 'max-lifetime';
    }
    if (!$terminate && !@$worker->wait()) {
        if (in_array($worker->returnCode(), [GEARMAN_NO_ACTIVE_FDS, GEARMAN_TIMEOUT], true)) {
            if ($worker->returnCode() === GEARMAN_NO_ACTIVE_FDS) {
                usleep(100000); // not connected yet: do not spin
            }
            continue;
        }
        break;
    }
}
$reason = $terminate ?? 'error';
event('stopping', ['reason' => $reason, 'jobs' => $jobsDone]);
event('exit', ['reason' => $reason, 'jobs' => $jobsDone, 'code' => $terminate ? 0 : 1]);
exit($terminate ? 0 : 1);
