// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: the debugfs view of an instance's operation trace
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: debugfs trace file
 *
 * <id>/trace prints the records the instance's trace ring holds, one per
 * line, tab separated, after a header line naming the columns: seq, ts_ns,
 * op, addr, size, requested, align, stream, segment, strategy, tag, flags,
 * error, pid, tgid, comm, stack, label.  An open file shows the records
 * made before it was opened: on a busy instance new records can come
 * faster than a reader formats them, and a file that chased the head
 * would never end.  Following the trace live is TRACE_READ's job (or
 * tracefs').  The file position is the record's sequence number plus one
 * (0 is the header); if the ring overwrites records the reader has not
 * reached yet, a line "# lost N" says how many before the next record.
 * Reading never consumes records.
 *
 * As for the blocks file, the instance lock is held while seq_file's buffer
 * fills and dropped before the buffer is copied to userspace.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "memsim_internal.h"

/*
 * @end: the head of the trace when the file was opened: records from there
 * on are not shown.
 * @lost: records the ring no longer held when the reader got to them, to be
 * reported before the next record shown.
 */
struct trace_iter {
	struct memsim_instance *inst;
	u64 end;
	u64 lost;
};

/* The record at position @pos, moving @pos past records that are gone. */
static void *trace_seek(struct trace_iter *it, loff_t *pos)
{
	const struct memsim_tlog *t = &it->inst->tlog;
	u64 seq = *pos - 1, oldest = memsim_tlog_oldest(t);

	if (seq < oldest) {
		it->lost += oldest - seq;
		seq = oldest;
		*pos = seq + 1;
	}
	if (seq >= it->end)
		return NULL;
	return (void *)memsim_tlog_get(t, seq);
}

static void *trace_start(struct seq_file *m, loff_t *pos)
{
	struct trace_iter *it = m->private;

	mutex_lock(&it->inst->lock);
	if (!*pos)
		return SEQ_START_TOKEN;
	return trace_seek(it, pos);
}

static void *trace_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct trace_iter *it = m->private;

	/* The record just shown carried the report of what was lost. */
	if (v != SEQ_START_TOKEN)
		it->lost = 0;
	++*pos;
	return trace_seek(it, pos);
}

static void trace_stop(struct seq_file *m, void *v)
{
	struct trace_iter *it = m->private;

	mutex_unlock(&it->inst->lock);
}

static int trace_show(struct seq_file *m, void *v)
{
	const struct memsim_trace_record *rec = v;
	struct trace_iter *it = m->private;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "seq\tts_ns\top\taddr\tsize\trequested\talign\tstream\tsegment\t"
			 "strategy\ttag\tflags\terror\tpid\ttgid\tcomm\tstack\tlabel\n");
		return 0;
	}
	if (it->lost)
		seq_printf(m, "# lost %llu\n", it->lost);
	seq_printf(m, "%llu\t%llu\t%s\t0x%llx\t%llu\t%llu\t%llu\t",
		   rec->seq, rec->ts_ns, memsim_trace_op_name(rec->op), rec->addr,
		   rec->size, rec->requested, rec->align);
	if (rec->stream == MEMSIM_STREAM_ANY_ID)
		seq_puts(m, "any");
	else
		seq_printf(m, "%u", rec->stream);
	seq_printf(m, "\t%llu\t%s\t0x%llx\t0x%x\t%d\t%u\t%u\t", rec->segment_id,
		   memsim_strategy_uapi_name(rec->strategy), rec->tag, rec->flags,
		   rec->error, rec->pid, rec->tgid);
	/* A task may name itself anything: keep its name in its column. */
	memsim_seq_name(m, rec->comm);
	seq_putc(m, '\t');
	memsim_tlog_show_stack(m, rec->stack_id);
	/* Labels were checked to be printable ASCII when they came in. */
	seq_printf(m, "\t%s\n", rec->label[0] ? rec->label : "-");
	return 0;
}

static const struct seq_operations trace_sops = {
	.start = trace_start,
	.next = trace_next,
	.stop = trace_stop,
	.show = trace_show,
};

static int trace_open(struct inode *inode, struct file *file)
{
	struct trace_iter *it;

	it = __seq_open_private(file, &trace_sops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->inst = inode->i_private;
	mutex_lock(&it->inst->lock);
	it->end = it->inst->tlog.head;
	mutex_unlock(&it->inst->lock);
	return 0;
}

/* The operations of <id>/trace; the inode's private data is the instance. */
const struct file_operations memsim_trace_fops = {
	.owner = THIS_MODULE,
	.open = trace_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};
