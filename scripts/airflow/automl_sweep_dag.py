"""Example Airflow DAG: a pre-flight check, then the automl-seg sweep on Spark.

Both tasks build their command line from automl_sweep.json beside this file (the driver's AirflowDagTest checks
that `sweep --validate-only` accepts it). The run id and output folder are templated from the DAG run's logical
date, so an Airflow retry of the sweep task submits the same --run-id and --output: the sweep resumes where the
failed attempt stopped instead of starting another one.

Exit codes of the application (see the README and docs/cluster.md): 0 done; 2 bad input (configuration, data, output folder): fix and
clear the task, a retry cannot help; 3 no trial produced a model; 4 the sweep's timeout_minutes ran out (the best
model so far is published); 5 another driver (an earlier attempt) still runs this sweep, a later retry goes on;
1 an unexpected or infrastructure error, worth a retry.

Connections: `spark_default` points at the cluster (spark://host:7077, yarn or k8s://...); `spark_local` is a Spark
connection with host `local[1]`: the pre-flight check reads the data from the Airflow worker and starts no executors.
"""
import json
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

SETTINGS = json.loads(Path(__file__).with_name("automl_sweep.json").read_text())

with DAG(
    dag_id=SETTINGS["dag_id"],
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    params=SETTINGS["params"],
    default_args={
        "retries": SETTINGS["retries"],
        "retry_delay": timedelta(minutes=SETTINGS["retry_delay_minutes"]),
    },
    tags=["automl-seg"],
) as dag:
    validate = SparkSubmitOperator(
        task_id="validate",
        conn_id=SETTINGS["validate_conn_id"],
        application=SETTINGS["application"],
        java_class=SETTINGS["java_class"],
        name="automl-seg-validate",
        application_args=SETTINGS["sweep_args"] + ["--validate-only"],
        retries=0,
    )

    sweep = SparkSubmitOperator(
        task_id="sweep",
        conn_id=SETTINGS["conn_id"],
        application=SETTINGS["application"],
        java_class=SETTINGS["java_class"],
        name="automl-seg-{{ ds_nodash }}",
        conf=SETTINGS["conf"],
        application_args=SETTINGS["sweep_args"],
    )

    validate >> sweep
