from django.shortcuts import render


def index(request):
    return render(request, "programs/index.html")


def events(request):
    return render(request, "programs/events.html")
