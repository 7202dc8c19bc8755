from django.contrib.staticfiles.management.commands.runserver import Command as RunServer

from receipts.devserver import DevServer


class Command(RunServer):
    help = (
        "Django's development server (runserver, same options) keeping the client_id and "
        "client_secret headers of POST /accessToken/get, which runserver drops. For "
        "development only, like runserver."
    )
    server_cls = DevServer
