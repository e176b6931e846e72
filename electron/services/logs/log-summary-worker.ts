// worker_threads entry: counts the second part of a log file for summariseLogFile (see countTail).
import { serveWorkerTasks } from '../mail/passwords/worker-pool'
import { countTail, type TailRequest } from './summarise-log'

serveWorkerTasks((req: TailRequest) => countTail(req))
