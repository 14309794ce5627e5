from django.http import HttpResponse


def _stub(request, **kwargs):
    return HttpResponse("")


index = request_new = street_suggest = map_svg = track_lookup = track = track_photo = _stub
public_detail = follow = neighborhood = on_time = _stub
