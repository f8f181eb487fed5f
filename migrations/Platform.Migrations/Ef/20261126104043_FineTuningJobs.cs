using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Platform.Migrations.Ef
{
    /// <inheritdoc />
    public partial class FineTuningJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "max_concurrent_jobs",
                table: "tenants",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "max_queued_jobs",
                table: "tenants",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "trained_tokens_limit",
                table: "tenants",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "fine_tuned_models",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    job_id = table.Column<string>(type: "text", nullable: false),
                    base_model = table.Column<string>(type: "text", nullable: false),
                    train_type = table.Column<string>(type: "text", nullable: false),
                    path = table.Column<string>(type: "text", nullable: false),
                    training_file = table.Column<string>(type: "text", nullable: false),
                    validation_file = table.Column<string>(type: "text", nullable: true),
                    settings = table.Column<string>(type: "jsonb", nullable: false),
                    metrics = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fine_tuned_models", x => x.id);
                    table.ForeignKey(
                        name: "fk_fine_tuned_models_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "fine_tuning_jobs",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    model = table.Column<string>(type: "text", nullable: false),
                    training_file = table.Column<string>(type: "text", nullable: false),
                    validation_file = table.Column<string>(type: "text", nullable: true),
                    suffix = table.Column<string>(type: "text", nullable: true),
                    seed = table.Column<long>(type: "bigint", nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    method = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    settings = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    queued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    estimated_finish = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    fine_tuned_model = table.Column<string>(type: "text", nullable: true),
                    trained_tokens = table.Column<long>(type: "bigint", nullable: true),
                    error_code = table.Column<string>(type: "text", nullable: true),
                    error_message = table.Column<string>(type: "text", nullable: true),
                    error_param = table.Column<string>(type: "text", nullable: true),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    dispatched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    worker_id = table.Column<string>(type: "text", nullable: true),
                    heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    stop_requested = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fine_tuning_jobs", x => x.id);
                    table.ForeignKey(
                        name: "fk_fine_tuning_jobs_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "fine_tuning_job_checkpoints",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    job_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    tenant_id = table.Column<string>(type: "text", nullable: false),
                    step_number = table.Column<int>(type: "integer", nullable: false),
                    metrics = table.Column<string>(type: "jsonb", nullable: true),
                    fine_tuned_model_checkpoint = table.Column<string>(type: "text", nullable: false),
                    path = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fine_tuning_job_checkpoints", x => x.id);
                    table.ForeignKey(
                        name: "fk_fine_tuning_job_checkpoints_fine_tuning_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "fine_tuning_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "fine_tuning_job_events",
                columns: table => new
                {
                    seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    job_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    level = table.Column<string>(type: "text", nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    data = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fine_tuning_job_events", x => x.seq);
                    table.ForeignKey(
                        name: "fk_fine_tuning_job_events_fine_tuning_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "fine_tuning_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_fine_tuned_models_job_id",
                table: "fine_tuned_models",
                column: "job_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fine_tuned_models_tenant_id",
                table: "fine_tuned_models",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "ix_fine_tuning_job_checkpoints_fine_tuned_model_checkpoint",
                table: "fine_tuning_job_checkpoints",
                column: "fine_tuned_model_checkpoint",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fine_tuning_job_checkpoints_job_id_step_number",
                table: "fine_tuning_job_checkpoints",
                columns: new[] { "job_id", "step_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fine_tuning_job_events_id",
                table: "fine_tuning_job_events",
                column: "id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fine_tuning_job_events_job_id_seq",
                table: "fine_tuning_job_events",
                columns: new[] { "job_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_fine_tuning_jobs_status_queued_at",
                table: "fine_tuning_jobs",
                columns: new[] { "status", "queued_at" });

            migrationBuilder.CreateIndex(
                name: "ix_fine_tuning_jobs_tenant_id_created_at",
                table: "fine_tuning_jobs",
                columns: new[] { "tenant_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "fine_tuned_models");

            migrationBuilder.DropTable(
                name: "fine_tuning_job_checkpoints");

            migrationBuilder.DropTable(
                name: "fine_tuning_job_events");

            migrationBuilder.DropTable(
                name: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "max_concurrent_jobs",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "max_queued_jobs",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "trained_tokens_limit",
                table: "tenants");
        }
    }
}
