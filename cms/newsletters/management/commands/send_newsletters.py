from django.core.management.base import BaseCommand, CommandError

from cms.newsletters import services
from cms.newsletters.models import Newsletter, NewsletterStatus


class Command(BaseCommand):
    help = (
        "Resumes newsletter sendings that stalled (run it every few minutes from cron), or sends the waiting "
        "deliveries of one newsletter in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--resume-stalled", action="store_true", help="Resume every stalled sending.")
        parser.add_argument("--newsletter", type=int, help="Send the waiting deliveries of this newsletter here.")
        parser.add_argument("--batch", type=int, default=services.BATCH_SIZE, help="Messages per batch.")

    def handle(self, *args, resume_stalled=False, newsletter=None, batch=services.BATCH_SIZE, **options):
        if resume_stalled:
            for stalled in services.stalled_newsletters():
                uncertain = services.newsletter_resume(newsletter=stalled)
                self.stdout.write(f"{stalled}: resumed ({uncertain} uncertain)")
        if newsletter is not None:
            found = Newsletter.objects.filter(pk=newsletter, status=NewsletterStatus.SENDING).first()
            if found is None:
                raise CommandError(f"No newsletter {newsletter} is being sent.")
            while True:
                result = services.newsletter_deliver(newsletter_id=found.pk, limit=batch, enqueue_next=False)
                self.stdout.write(f"{result}")
                if not result["remaining"] or not result["sent"] + result["failed"]:
                    break
