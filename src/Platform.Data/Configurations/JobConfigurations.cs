using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

internal sealed class FineTuningJobConfiguration : IEntityTypeConfiguration<FineTuningJob>
{
    public void Configure(EntityTypeBuilder<FineTuningJob> b)
    {
        b.ToTable("fine_tuning_jobs");
        b.HasKey(j => j.Id);
        b.Property(j => j.Id).HasMaxLength(40);
        b.Property(j => j.Status).HasMaxLength(20);
        b.Property(j => j.Method).HasMaxLength(20);
        b.Property(j => j.Metadata).HasColumnType("jsonb");
        b.Property(j => j.Settings).HasColumnType("jsonb");
        b.Property(j => j.StopRequested).HasMaxLength(10);
        b.HasOne<Tenant>().WithMany().HasForeignKey(j => j.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(j => new { j.TenantId, j.CreatedAt });
        b.HasIndex(j => new { j.Status, j.QueuedAt });
        b.HasIndex(j => j.CreatedAt); // the console's cross-tenant job list, newest first
    }
}

internal sealed class JobEventConfiguration : IEntityTypeConfiguration<JobEvent>
{
    public void Configure(EntityTypeBuilder<JobEvent> b)
    {
        b.ToTable("fine_tuning_job_events");
        b.HasKey(e => e.Seq);
        b.Property(e => e.Seq).UseIdentityAlwaysColumn();
        b.Property(e => e.Id).HasMaxLength(40);
        b.HasIndex(e => e.Id).IsUnique();
        b.Property(e => e.Data).HasColumnType("jsonb");
        b.HasOne<FineTuningJob>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.JobId, e.Seq });
    }
}

internal sealed class JobCheckpointConfiguration : IEntityTypeConfiguration<JobCheckpoint>
{
    public void Configure(EntityTypeBuilder<JobCheckpoint> b)
    {
        b.ToTable("fine_tuning_job_checkpoints");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(40);
        b.Property(c => c.Metrics).HasColumnType("jsonb");
        b.HasOne<FineTuningJob>().WithMany().HasForeignKey(c => c.JobId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.JobId, c.StepNumber }).IsUnique();
        b.HasIndex(c => c.FineTunedModelCheckpoint).IsUnique();
    }
}

internal sealed class FineTunedModelConfiguration : IEntityTypeConfiguration<FineTunedModel>
{
    public void Configure(EntityTypeBuilder<FineTunedModel> b)
    {
        b.ToTable("fine_tuned_models");
        b.HasKey(m => m.Id);
        b.Property(m => m.Settings).HasColumnType("jsonb");
        b.Property(m => m.Metrics).HasColumnType("jsonb");
        b.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(m => m.TenantId);
        b.HasIndex(m => m.JobId).IsUnique();
    }
}
