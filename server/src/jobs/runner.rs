//! The job runner: which jobs are due, and the claim of a daily job's
//! business day in table `job_runs`.

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use infra::{AppInfra, Infra, InfraError};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use super::{Job, Schedule};

/// How long a daily job that failed waits before this runner tries it again.
const RETRY: Duration = Duration::from_secs(300);

/// Runs the jobs that are due, one tick at a time. Interval jobs are timed in
/// memory; a daily job runs once per business day, whichever runner claims
/// the day first in `job_runs` (a restart, or a second instance, finds the day
/// taken).
pub struct Runner {
    jobs: Vec<Job>,
    timezone: Tz,
    /// What the runner knows of each job, in the order of `jobs`.
    state: Vec<JobState>,
}

/// What a runner knows of one job.
#[derive(Clone, Copy, Debug, Default)]
struct JobState {
    /// An interval job's last start; a daily job's last failure.
    last: Option<Instant>,
    /// The business day a daily job is known to be taken for (run here, or
    /// claimed by another instance), so the database is not asked again that day.
    settled: Option<NaiveDate>,
}

impl Runner {
    /// A runner of `jobs`, daily hours read in `timezone`.
    pub fn new(jobs: Vec<Job>, timezone: Tz) -> Self {
        let state = vec![JobState::default(); jobs.len()];
        Self {
            jobs,
            timezone,
            state,
        }
    }

    /// Runs every job that is due now (by `infra`'s clock); answers the names
    /// of the jobs it started.
    pub async fn tick(&mut self, infra: &AppInfra) -> Vec<&'static str> {
        let mut started = Vec::new();
        for (job, state) in self.jobs.iter().zip(self.state.iter_mut()) {
            let last = &mut state.last;
            match job.schedule {
                Schedule::Every(every) => {
                    if last.is_some_and(|at| at.elapsed() < every) {
                        continue;
                    }
                    *last = Some(Instant::now());
                    started.push(job.name);
                    run_job(infra, job).await;
                }
                Schedule::DailyAt { hour } => {
                    if last.is_some_and(|at| at.elapsed() < RETRY) {
                        continue;
                    }
                    let local = infra.clock().now().with_timezone(&self.timezone);
                    if local.hour() < hour {
                        continue;
                    }
                    let today = local.date_naive();
                    if state.settled == Some(today) {
                        continue;
                    }
                    match claim(infra, job.name, today).await {
                        Ok(true) => {}
                        Ok(false) => {
                            state.settled = Some(today);
                            continue;
                        }
                        Err(e) => {
                            tracing::warn!(job = job.name, error = %e, "daily job not claimed; trying again");
                            continue;
                        }
                    }
                    started.push(job.name);
                    if run_job(infra, job).await {
                        state.settled = Some(today);
                    } else {
                        // Give the day back, so that it runs again after a pause.
                        state.last = Some(Instant::now());
                        if let Err(e) = release(infra, job.name, today).await {
                            tracing::warn!(job = job.name, error = %e, "failed daily job not released; it runs again tomorrow");
                        }
                    }
                }
            }
        }
        started
    }
}

/// Runs `job` and logs the outcome; `true` when it succeeded.
async fn run_job(infra: &AppInfra, job: &Job) -> bool {
    match (job.run)(infra.clone()).await {
        Ok(rows) => {
            tracing::info!(job = job.name, rows, "job ran");
            true
        }
        Err(e) => {
            tracing::warn!(job = job.name, error = %e, "job failed; it runs again next time");
            false
        }
    }
}

fn statement(infra: &AppInfra, postgres: &str, values: Vec<Value>) -> Statement {
    let backend = infra.db().get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => postgres.to_owned(),
        _ => {
            // `$1`, `$2`, … become `?`: every statement here takes them in order.
            let mut sql = postgres.to_owned();
            for i in (1..=values.len()).rev() {
                sql = sql.replace(&format!("${i}"), "?");
            }
            sql
        }
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Records that `name` runs for business day `day`, unless it ran for that
/// day (or a later one) already; `true` when this call took the day. One
/// statement, so two runners racing take it once.
async fn claim(infra: &AppInfra, name: &str, day: NaiveDate) -> Result<bool, InfraError> {
    let sql = "INSERT INTO job_runs (name, business_date, ran_at) VALUES ($1, $2, $3) \
               ON CONFLICT (name) DO UPDATE SET business_date = excluded.business_date, ran_at = excluded.ran_at \
               WHERE job_runs.business_date < excluded.business_date";
    let values = vec![name.into(), day.into(), infra.clock().now().into()];
    let result = infra.db().execute_raw(statement(infra, sql, values)).await?;
    Ok(result.rows_affected() == 1)
}

/// Gives back day `day` of `name` after a failed run, so it is due again.
async fn release(infra: &AppInfra, name: &str, day: NaiveDate) -> Result<(), InfraError> {
    let Some(before) = day.pred_opt() else {
        return Ok(());
    };
    let sql = "UPDATE job_runs SET business_date = $1 WHERE name = $2 AND business_date = $3";
    let values = vec![before.into(), name.into(), day.into()];
    infra.db().execute_raw(statement(infra, sql, values)).await?;
    Ok(())
}

/// The business day daily job `name` last ran for, and when it started.
pub async fn last_run(
    infra: &AppInfra,
    name: &str,
) -> Result<Option<(NaiveDate, DateTime<Utc>)>, InfraError> {
    let sql = "SELECT business_date, ran_at FROM job_runs WHERE name = $1";
    let row = infra
        .db()
        .query_one_raw(statement(infra, sql, vec![name.into()]))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some((
        row.try_get("", "business_date")?,
        row.try_get("", "ran_at")?,
    )))
}
